package chorus.relay.room;

import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * What a {@link Room} part told the sharded room and has had no answer to: its members' joins,
 * their chat messages and files. Told again every second, because messages to a room whose node
 * was lost are gone, and the room starts elsewhere only seconds later; repeats are harmless (the
 * room knows a chat message by its request id, a file by its id, a join by the participant).
 */
final class Unconfirmed {
    private final Map<Integer, RoomEntity.Join> joins = new LinkedHashMap<>();
    private final Map<String, RoomEntity.Chat> chat = new LinkedHashMap<>();
    private final Map<String, RoomEntity.FileAdded> files = new LinkedHashMap<>();
    /** Makes this part's chat requests unique in the room, across nodes and restarts. */
    private final String requestPrefix = UUID.randomUUID() + "/";
    private long nextRequest;

    void join(int mediaId, RoomEntity.Join join) {
        joins.put(mediaId, join);
    }

    boolean joinPending(int mediaId) {
        return joins.containsKey(mediaId);
    }

    /** @return false if the join was no longer pending (answered already, or the member left) */
    boolean joinAnswered(int mediaId) {
        return joins.remove(mediaId) != null;
    }

    /** A new chat request for the room, kept until {@link #chatAccepted}. */
    RoomEntity.Chat chat(ParticipantInfo from, String text,
                         ActorRef<RoomEntity.Event> replyTo) {
        RoomEntity.Chat ask = new RoomEntity.Chat(from, text, requestPrefix + nextRequest++, replyTo);
        chat.put(ask.requestId(), ask);
        return ask;
    }

    void chatAccepted(String requestId) {
        chat.remove(requestId);
    }

    /** A new file for the room's index, kept until {@link #fileAccepted}. */
    RoomEntity.FileAdded file(RoomEntity.FileAdded ask) {
        files.put(ask.file().fileId(), ask);
        return ask;
    }

    void fileAccepted(String fileId) {
        files.remove(fileId);
    }

    void resend(EntityRef<RoomEntity.Command> room) {
        joins.values().forEach(room::tell);
        chat.values().forEach(room::tell);
        files.values().forEach(room::tell);
    }
}
