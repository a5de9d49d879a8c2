package chorus.client.session;

import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.ControlMessage.Welcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is in the room on one connection, in join order, and every name ever seen on a media id, so
 * frames from someone who left are still attributed. Thread-safe.
 */
final class Roster {
    /** By participant id, in join order. Guarded by itself. */
    private final LinkedHashMap<String, ParticipantInfo> members = new LinkedHashMap<>();
    private final ConcurrentHashMap<Integer, String> namesByMediaId = new ConcurrentHashMap<>();

    /**
     * The roster at the welcome ({@code initial}, put together from its roster pages);
     * {@code ownName} names this participant's media id if the roster does not.
     */
    Roster(Welcome welcome, List<ParticipantInfo> initial, String ownName) {
        for (ParticipantInfo p : initial) {
            members.put(p.participantId(), p);
            namesByMediaId.put(p.mediaId(), p.name());
        }
        namesByMediaId.putIfAbsent(welcome.mediaId(), ownName);
    }

    /** Someone joined, or came back (perhaps under a new media id). */
    void put(ParticipantInfo p) {
        namesByMediaId.put(p.mediaId(), p.name());
        synchronized (members) {
            members.put(p.participantId(), p);
        }
    }

    /** Someone left; returns them as the roster knew them, or null. */
    ParticipantInfo remove(String participantId) {
        synchronized (members) {
            return members.remove(participantId);
        }
    }

    ParticipantInfo get(String participantId) {
        synchronized (members) {
            return members.get(participantId);
        }
    }

    /** Everyone, in join order. */
    List<ParticipantInfo> list() {
        synchronized (members) {
            return List.copyOf(members.values());
        }
    }

    /** The name behind a media id; {@code #id} for one never announced. */
    String nameOf(int mediaId) {
        String name = namesByMediaId.get(mediaId);
        return name != null ? name : "#" + mediaId;
    }

    Map<Integer, String> namesByMediaId() {
        return Map.copyOf(namesByMediaId);
    }
}
