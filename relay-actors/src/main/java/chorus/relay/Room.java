package chorus.relay;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.media.MediaKind;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A room (the session): its roster, joined/left notifications, and the fan-out of every video
 * and screen datagram to every other participant whose video address is known. Audio goes to
 * the room's {@link Mixer}, a child. Rooms never see each other's members.
 */
public final class Room extends AbstractBehavior<Room.Command> {

    public sealed interface Command {
    }

    public record Join(ParticipantInfo info, ActorRef<Participant.Command> participant) implements Command {
    }

    public record Leave(int mediaId, String reason) implements Command {
    }

    /** A participant's media address for a port was learned or moved. */
    public record AddressLearned(int mediaId, MediaPort port, InetSocketAddress address) implements Command {
    }

    /** A verified video or screen datagram from {@code senderMediaId}, forwarded unchanged. */
    public record ForwardVideo(int senderMediaId, byte[] datagram) implements Command {
    }

    private record MemberStopped(int mediaId) implements Command {
    }

    private static final class Member {
        final ParticipantInfo info;
        final ActorRef<Participant.Command> ref;
        InetSocketAddress video;

        Member(ParticipantInfo info, ActorRef<Participant.Command> ref) {
            this.info = info;
            this.ref = ref;
        }
    }

    private final String name;
    private final ActorRef<Rooms.Command> rooms;
    private final MediaGateway gateway;
    private final ActorRef<Mixer.Command> mixer;
    private final Map<Integer, Member> members = new LinkedHashMap<>();
    /** Members in join order, rebuilt on change, so the per-datagram fan-out is a plain array walk. */
    private Member[] fanout = new Member[0];
    private long joinsSeen;

    public static Behavior<Command> create(String name, ActorRef<Rooms.Command> rooms, MediaGateway gateway,
                                           RelayConfig config) {
        return Behaviors.setup(ctx -> new Room(ctx, name, rooms, gateway, config));
    }

    private Room(ActorContext<Command> ctx, String name, ActorRef<Rooms.Command> rooms, MediaGateway gateway,
                 RelayConfig config) {
        super(ctx);
        this.name = name;
        this.rooms = rooms;
        this.gateway = gateway;
        this.mixer = ctx.spawn(Mixer.create(gateway, config, true), "mixer");
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Join.class, this::onJoin)
                .onMessage(Leave.class, l -> remove(l.mediaId(), l.reason()))
                .onMessage(MemberStopped.class, s -> remove(s.mediaId(), "disconnected"))
                .onMessage(AddressLearned.class, this::onAddressLearned)
                .onMessage(ForwardVideo.class, this::onForwardVideo)
                .build();
    }

    private Behavior<Command> onJoin(Join join) {
        joinsSeen++;
        Member member = new Member(join.info(), join.participant());
        members.put(join.info().mediaId(), member);
        getContext().watchWith(join.participant(), new MemberStopped(join.info().mediaId()));
        rebuildFanout();
        mixer.tell(new Mixer.AddMember(join.info().mediaId()));
        List<ParticipantInfo> roster = new ArrayList<>();
        for (Member m : members.values()) {
            roster.add(m.info);
        }
        join.participant().tell(new Participant.Joined(getContext().getSelf(), mixer, List.copyOf(roster)));
        tellOthers(join.info().mediaId(), new ControlMessage.ParticipantJoined(join.info()));
        getContext().getLog().info("join room={} name={} id={} ({} in room)",
                name, join.info().name(), join.info().participantId(), members.size());
        return this;
    }

    private Behavior<Command> remove(int mediaId, String reason) {
        Member gone = members.remove(mediaId);
        if (gone == null) {
            return this;
        }
        getContext().unwatch(gone.ref);
        rebuildFanout();
        mixer.tell(new Mixer.RemoveMember(mediaId));
        tellOthers(mediaId, new ControlMessage.ParticipantLeft(gone.info, reason));
        getContext().getLog().info("leave room={} name={} id={} reason={} ({} in room)",
                name, gone.info.name(), gone.info.participantId(), reason, members.size());
        if (members.isEmpty()) {
            rooms.tell(new Rooms.RoomIdle(name, joinsSeen));
        }
        return this;
    }

    private Behavior<Command> onAddressLearned(AddressLearned a) {
        Member m = members.get(a.mediaId());
        if (m == null) {
            return this;
        }
        if (a.port() == MediaPort.VIDEO) {
            m.video = a.address();
            rebuildFanout();
        } else {
            mixer.tell(new Mixer.ListenerAddress(a.mediaId(), a.address()));
        }
        return this;
    }

    private Behavior<Command> onForwardVideo(ForwardVideo v) {
        ByteBuffer datagram = ByteBuffer.wrap(v.datagram());
        MediaKind kind = chorus.protocol.media.MediaHeader.kind(datagram, 0);
        for (Member m : fanout) {
            if (m.info.mediaId() != v.senderMediaId() && m.video != null) {
                gateway.send(MediaPort.VIDEO, datagram, m.video, kind);
            }
        }
        return this;
    }

    private void tellOthers(int exceptMediaId, ControlMessage message) {
        for (Member m : fanout) {
            if (m.info.mediaId() != exceptMediaId) {
                m.ref.tell(new Participant.Notify(message));
            }
        }
    }

    private void rebuildFanout() {
        fanout = members.values().toArray(new Member[0]);
        if (gateway.snapshots()) {
            int[] ids = new int[fanout.length];
            InetSocketAddress[] video = new InetSocketAddress[fanout.length];
            for (int i = 0; i < fanout.length; i++) {
                ids[i] = fanout[i].info.mediaId();
                video[i] = fanout[i].video;
            }
            gateway.publishRoom(members.keySet(), new MediaRoute.RoomFanout(ids, video));
        }
    }
}
