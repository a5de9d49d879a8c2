package chorus.relay.files;

import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.relay.room.Room;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Who may use the file service: each participant gets a random bearer token in its welcome,
 * valid for its own room while it is in the room (granted on join, revoked when it leaves).
 */
public final class FileAccess {
    /** What a token allows: this participant, this room; uploads only with {@code shareFiles} (its access token's grant). */
    public record Grant(String room, ParticipantInfo participant, ActorRef<Room.Command> roomRef, boolean shareFiles) {
        public Grant(String room, ParticipantInfo participant, ActorRef<Room.Command> roomRef) {
            this(room, participant, roomRef, true);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final ConcurrentHashMap<String, Grant> grants = new ConcurrentHashMap<>();
    private volatile int port;

    /** The file service's HTTP port, told to clients in the welcome. */
    public int port() {
        return port;
    }

    public void port(int boundPort) {
        this.port = boundPort;
    }

    public static String newToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public void grant(String token, Grant grant) {
        grants.put(token, grant);
    }

    public void revoke(String token) {
        grants.remove(token);
    }

    /** The grant for an {@code Authorization} header value, or null. */
    public Grant check(String authorization) {
        // The scheme name is case-insensitive (RFC 9110 §11.1).
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return grants.get(authorization.substring(7).trim());
    }

    /** Whether a token is still in force (its participant still in the room). */
    public boolean valid(String authorization) {
        return check(authorization) != null;
    }
}
