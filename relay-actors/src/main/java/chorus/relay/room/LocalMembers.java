package chorus.relay.room;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ChatMessage;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.relay.subscription.ForwardingPlan;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The members of a room connected to this node, in join order, with their learned video
 * addresses and what each subscribes to: what a {@link Room} part tells its members through, and
 * the receivers its {@link ForwardingPlan} makes the gateway's fan-outs from.
 */
final class LocalMembers {

    static final class Member {
        final ParticipantInfo info;
        final ActorRef<Participant.Command> ref;
        /** Its token's identity, or null (the open mode without a token). */
        final String identity;
        /** Its token grants {@code subscribe}: the room's media is sent to it. */
        final boolean subscribe;
        InetSocketAddress video;
        /** What it shows ({@code subscribe}, checked), or null: the default, everything at its largest layer. */
        ControlMessage.Subscribe subscription;
        /** Told its welcome: from now on it may be told more (e.g. which of its layers are wanted). */
        boolean welcomed;
        /** The layers it was last told are wanted (a {@code LayerMask}), or -1: never told, so it sends all. */
        int toldLayers = -1;

        Member(ParticipantInfo info, ActorRef<Participant.Command> ref, String identity, boolean subscribe) {
            this.info = info;
            this.ref = ref;
            this.identity = identity;
            this.subscribe = subscribe;
        }

        void notify(ControlMessage message) {
            ref.tell(new Participant.Notify(message));
        }

        /**
         * After a welcome, what the room already holds, in PROTOCOL.md's order: the chat history
         * (marked as history), the files, then who presents, if anyone.
         */
        void tellWhatTheRoomHolds(Iterable<ChatMessage> history, Iterable<FileInfo> files, ParticipantInfo presenting) {
            for (ChatMessage m : history) {
                notify(new ChatMessage(m.id(), m.participantId(), m.from(), m.text(), m.serverTime(), true));
            }
            for (FileInfo f : files) {
                notify(new ControlMessage.FileOffered(f, true));
            }
            if (presenting != null) {
                notify(new ControlMessage.PresenterChanged(presenting));
            }
        }
    }

    private final Map<Integer, Member> byMediaId = new LinkedHashMap<>();
    /** The members in join order, rebuilt on change. */
    private Member[] all = new Member[0];

    Member add(ParticipantInfo info, ActorRef<Participant.Command> ref, String identity, boolean subscribe) {
        Member member = new Member(info, ref, identity, subscribe);
        byMediaId.put(info.mediaId(), member);
        all = byMediaId.values().toArray(new Member[0]);
        return member;
    }

    Member remove(int mediaId) {
        Member gone = byMediaId.remove(mediaId);
        if (gone != null) {
            all = byMediaId.values().toArray(new Member[0]);
        }
        return gone;
    }

    Member get(int mediaId) {
        return byMediaId.get(mediaId);
    }

    Member byParticipant(String participantId) {
        for (Member m : all) {
            if (m.info.participantId().equals(participantId)) {
                return m;
            }
        }
        return null;
    }

    /** Whether {@code left} takes out a member here whose identity joined again; if so, that member is told. */
    boolean replaced(RoomEntity.MemberLeft left) {
        Member m = byMediaId.get(left.info().mediaId());
        if (m == null || !SameIdentity.REPLACED.equals(left.reason())
                || !m.info.participantId().equals(left.info().participantId())) {
            return false;
        }
        m.ref.tell(Participant.Replace.INSTANCE);
        return true;
    }

    boolean isEmpty() {
        return all.length == 0;
    }

    int size() {
        return all.length;
    }

    /** The members in join order (not to be changed). */
    Member[] all() {
        return all;
    }

    /** The members that video is forwarded to: granted subscribe, with a learned video address. */
    List<ForwardingPlan.Receiver> receivers() {
        List<ForwardingPlan.Receiver> receivers = new ArrayList<>(all.length);
        for (Member m : all) {
            if (m.subscribe && m.video != null) {
                receivers.add(new ForwardingPlan.Receiver(m.info.mediaId(), m.video, m.subscription));
            }
        }
        return receivers;
    }

    /** Whether any member follows the speakers (last-N): their order matters to the fan-out. */
    boolean anyFollowsSpeakers() {
        for (Member m : all) {
            ControlMessage.LastN lastN = m.subscription == null ? null : m.subscription.lastN();
            if (lastN != null && lastN.count() > 0) {
                return true;
            }
        }
        return false;
    }

    List<ParticipantInfo> infos() {
        return byMediaId.values().stream().map(m -> m.info).toList();
    }

    void tellAll(ControlMessage message) {
        for (Member m : all) {
            m.notify(message);
        }
    }

    /**
     * A change to the roster (joined, left, updated), for the welcomed members but these: one still
     * waiting for its welcome is not told, since the roster its welcome takes later has the change.
     * (Told before, it got a member both in its roster and in a joined after it.)
     */
    void tellOthers(int exceptMediaId, ControlMessage message) {
        tellOthers(exceptMediaId, exceptMediaId, message);
    }

    void tellOthers(int exceptMediaId, int alsoExcept, ControlMessage message) {
        for (Member m : all) {
            int id = m.info.mediaId();
            if (m.welcomed && id != exceptMediaId && id != alsoExcept) {
                m.notify(message);
            }
        }
    }

    /** Media ids of the members here. */
    Set<Integer> mediaIds() {
        return byMediaId.keySet();
    }
}
