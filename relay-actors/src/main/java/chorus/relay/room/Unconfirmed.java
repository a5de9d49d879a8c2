package chorus.relay.room;

import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * What a {@link Room} part told the sharded room and has had no answer to: its members' joins,
 * their chat messages and files. Told again on the part's second tick after it was told, and every
 * tick after that, because messages to a room whose node was lost are gone, and the room starts
 * elsewhere only seconds later; repeats are harmless (the room knows a chat message by its request
 * id, a file by its id, a join by the participant) but not free: a join told again is announced to
 * every node again, so one told just before a tick is not told again at it (in a room of thousands
 * the answers queue for longer than that, and telling each join twice made each join cost twice).
 */
final class Unconfirmed {
    private final Map<Integer, RoomEntity.Join> joins = new LinkedHashMap<>();
    private final Map<String, RoomEntity.Chat> chat = new LinkedHashMap<>();
    private final Map<String, RoomEntity.FileAdded> files = new LinkedHashMap<>();
    /** Makes this part's chat requests unique in the room, across nodes and restarts. */
    private final String requestPrefix = UUID.randomUUID() + "/";
    private long nextRequest;
    /** The part's ticks so far, and the tick each pending request was last told at. */
    private long tick;
    private final Map<Object, Long> toldAt = new java.util.HashMap<>();

    void join(int mediaId, RoomEntity.Join join) {
        joins.put(mediaId, join);
        toldAt.put(join, tick);
    }

    boolean joinPending(int mediaId) {
        return joins.containsKey(mediaId);
    }

    /** @return false if the join was no longer pending (answered already, or the member left) */
    boolean joinAnswered(int mediaId) {
        RoomEntity.Join answered = joins.remove(mediaId);
        if (answered != null) {
            toldAt.remove(answered);
        }
        return answered != null;
    }

    /** A new chat request for the room, kept until {@link #chatAccepted}. */
    RoomEntity.Chat chat(ParticipantInfo from, String text,
                         ActorRef<RoomEntity.Event> replyTo) {
        RoomEntity.Chat ask = new RoomEntity.Chat(from, text, requestPrefix + nextRequest++, replyTo);
        chat.put(ask.requestId(), ask);
        toldAt.put(ask, tick);
        return ask;
    }

    void chatAccepted(String requestId) {
        RoomEntity.Chat accepted = chat.remove(requestId);
        if (accepted != null) {
            toldAt.remove(accepted);
        }
    }

    /** A new file for the room's index, kept until {@link #fileAccepted}. */
    RoomEntity.FileAdded file(RoomEntity.FileAdded ask) {
        files.put(ask.file().fileId(), ask);
        toldAt.put(ask, tick);
        return ask;
    }

    void fileAccepted(String fileId) {
        RoomEntity.FileAdded accepted = files.remove(fileId);
        if (accepted != null) {
            toldAt.remove(accepted);
        }
    }

    /** A tick of the part: what was told before the last tick and is still unanswered is told again. */
    void resend(EntityRef<RoomEntity.Command> room) {
        tick++;
        for (Map<?, ? extends RoomEntity.Command> pending : List.of(joins, chat, files)) {
            for (RoomEntity.Command ask : pending.values()) {
                if (toldAt.getOrDefault(ask, tick) < tick - 1) {
                    room.tell(ask);
                    toldAt.put(ask, tick - 1); // told again every tick from now on while unanswered
                }
            }
        }
    }
}
