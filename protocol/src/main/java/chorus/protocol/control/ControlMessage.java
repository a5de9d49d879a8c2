package chorus.protocol.control;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * Every message on the TCP control connection, in both directions. On the wire each is one UTF-8
 * JSON object whose {@code type} field names the record (see PROTOCOL.md); {@link ControlCodec}
 * maps them.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ControlMessage.Hello.class, name = "hello"),
        @JsonSubTypes.Type(value = ControlMessage.Welcome.class, name = "welcome"),
        @JsonSubTypes.Type(value = ControlMessage.ParticipantJoined.class, name = "joined"),
        @JsonSubTypes.Type(value = ControlMessage.ParticipantLeft.class, name = "left"),
        @JsonSubTypes.Type(value = ControlMessage.Ping.class, name = "ping"),
        @JsonSubTypes.Type(value = ControlMessage.Pong.class, name = "pong"),
        @JsonSubTypes.Type(value = ControlMessage.Leave.class, name = "leave"),
        @JsonSubTypes.Type(value = ControlMessage.Error.class, name = "error"),
})
public sealed interface ControlMessage {

    /** Version of the control and media protocols spoken by this build. */
    int PROTOCOL_VERSION = 1;

    /** One participant as others see it. {@code mediaId} is the id on the media it sends. */
    record ParticipantInfo(String participantId, String name, int mediaId) {
    }

    /** Where to send media: the relay's host and UDP ports. */
    record MediaEndpoints(String host, int videoPort, int audioPort) {
    }

    /** Client to relay, first message: join {@code room} as {@code name}. */
    record Hello(int protocolVersion, String name, String room, String client) implements ControlMessage {
    }

    /**
     * Relay to client, answer to a valid hello. {@code mediaKey} is base64 of the 32-byte key for
     * the media authentication tag. {@code roster} holds everyone in the room, the newcomer included.
     */
    record Welcome(int protocolVersion, String participantId, int mediaId, String mediaKey,
                   MediaEndpoints media, String room, List<ParticipantInfo> roster,
                   long pingIntervalMillis, long keepaliveTimeoutMillis) implements ControlMessage {
    }

    /** Relay to client: someone joined the room. */
    record ParticipantJoined(ParticipantInfo participant) implements ControlMessage {
    }

    /** Relay to client: someone left; {@code reason} is "leave", "disconnected" or "timeout". */
    record ParticipantLeft(ParticipantInfo participant, String reason) implements ControlMessage {
    }

    /** Either direction: asks for a {@link Pong} with the same nonce. */
    record Ping(long nonce) implements ControlMessage {
    }

    record Pong(long nonce) implements ControlMessage {
    }

    /** Client to relay: leaving on purpose; the relay closes the connection. */
    record Leave() implements ControlMessage {
    }

    /** Relay to client: something was refused. {@code code} is stable (see {@link ErrorCode}). */
    record Error(String code, String message) implements ControlMessage {
        public static Error of(ErrorCode code, String message) {
            return new Error(code.wire(), message);
        }
    }
}
