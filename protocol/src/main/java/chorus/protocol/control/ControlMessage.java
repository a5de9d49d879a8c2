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
        @JsonSubTypes.Type(value = ControlMessage.RosterPage.class, name = "roster-page"),
        @JsonSubTypes.Type(value = ControlMessage.ParticipantJoined.class, name = "joined"),
        @JsonSubTypes.Type(value = ControlMessage.ParticipantLeft.class, name = "left"),
        @JsonSubTypes.Type(value = ControlMessage.Ping.class, name = "ping"),
        @JsonSubTypes.Type(value = ControlMessage.Pong.class, name = "pong"),
        @JsonSubTypes.Type(value = ControlMessage.Leave.class, name = "leave"),
        @JsonSubTypes.Type(value = ControlMessage.Error.class, name = "error"),
        @JsonSubTypes.Type(value = ControlMessage.ChatSend.class, name = "chat-send"),
        @JsonSubTypes.Type(value = ControlMessage.ChatMessage.class, name = "chat"),
        @JsonSubTypes.Type(value = ControlMessage.ScreenShareStart.class, name = "screen-start"),
        @JsonSubTypes.Type(value = ControlMessage.ScreenShareStop.class, name = "screen-stop"),
        @JsonSubTypes.Type(value = ControlMessage.PresenterChanged.class, name = "presenter"),
        @JsonSubTypes.Type(value = ControlMessage.FileOffered.class, name = "file"),
        @JsonSubTypes.Type(value = ControlMessage.AudioLevels.class, name = "audio-levels"),
        @JsonSubTypes.Type(value = ControlMessage.ParticipantUpdated.class, name = "participant-updated"),
        @JsonSubTypes.Type(value = ControlMessage.Nodes.class, name = "nodes"),
        @JsonSubTypes.Type(value = ControlMessage.Move.class, name = "move"),
        @JsonSubTypes.Type(value = ControlMessage.Subscribe.class, name = "subscribe"),
        @JsonSubTypes.Type(value = ControlMessage.LayersWanted.class, name = "layers-wanted"),
        @JsonSubTypes.Type(value = ControlMessage.DominantSpeaker.class, name = "dominant-speaker"),
})
public sealed interface ControlMessage {

    /**
     * Version of the control and media protocols spoken by this build. 2: the welcome gives the
     * roster's size and the roster follows in {@link RosterPage}s (1 carried it in the welcome).
     */
    int PROTOCOL_VERSION = 2;

    /**
     * One participant as others see it. {@code mediaId} is the id on the media it sends.
     * {@code layers} are the heights in pixels of the simulcast layers its camera sends, smallest
     * first (the index is the layer id in the media header, see
     * {@code chorus.protocol.media.SimulcastLayers}); absent from a client that sends one layer of
     * a size it did not say.
     */
    record ParticipantInfo(String participantId, String name, int mediaId,
                           @com.fasterxml.jackson.annotation.JsonInclude(
                                   com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                           List<Integer> layers) {
        public ParticipantInfo(String participantId, String name, int mediaId) {
            this(participantId, name, mediaId, null);
        }

        /** How many camera layers it sends: 0..{@code layerCount() - 1} are valid in a subscription. */
        public int layerCount() {
            return layers == null || layers.isEmpty() ? 1 : layers.size();
        }

        /** This participant under another media id (a resume through another node). */
        public ParticipantInfo withMediaId(int id) {
            return new ParticipantInfo(participantId, name, id, layers);
        }
    }

    /** Where to send media: the relay's host and UDP ports. */
    record MediaEndpoints(String host, int videoPort, int audioPort) {
    }

    /**
     * The relay's file service: HTTP on {@code host:port} (the media host), authorised by
     * {@code Authorization: Bearer token}, which is valid for this participant's room only while
     * it is in the room.
     */
    record FileService(int port, String token) {
    }

    /** A file offered to a room: its id for download, and what the room is told about it. */
    record FileInfo(String fileId, String name, long size, String sha256, String uploaderId,
                    String uploaderName, long offeredAt) {
    }

    /**
     * Client to relay, first message: join {@code room} as {@code name}. {@code resume}, when
     * present, asks to come back as the participant of an earlier welcome (after its node was lost).
     * {@code token} is the access token (a JWT); with one, the relay names the participant by the
     * token and ignores {@code name}. {@code codecs} is what the client decodes; null from a
     * client that predates codec negotiation (it decodes PCM audio and JPEG video only).
     */
    record Hello(int protocolVersion, String name, String room, String client, Resume resume, String token,
                 Codecs codecs,
                 @com.fasterxml.jackson.annotation.JsonInclude(
                         com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                 List<Integer> layers) implements ControlMessage {
        /** A fresh join. */
        public Hello(int protocolVersion, String name, String room, String client) {
            this(protocolVersion, name, room, client, null, null, null, null);
        }

        /** A join without a token (the open mode). */
        public Hello(int protocolVersion, String name, String room, String client, Resume resume) {
            this(protocolVersion, name, room, client, resume, null, null, null);
        }

        public Hello(int protocolVersion, String name, String room, String client, Resume resume, String token) {
            this(protocolVersion, name, room, client, resume, token, null, null);
        }

        public Hello(int protocolVersion, String name, String room, String client, Resume resume, String token,
                     Codecs codecs) {
            this(protocolVersion, name, room, client, resume, token, codecs, null);
        }

        /** This hello with {@code codecs}. */
        public Hello withCodecs(Codecs codecs) {
            return new Hello(protocolVersion, name, room, client, resume, token, codecs, layers);
        }

        /**
         * This hello announcing the heights of the camera layers it will send, smallest first
         * (at most {@code MediaHeader.MAX_LAYERS}); the room sees them in its {@link ParticipantInfo}.
         */
        public Hello withLayers(List<Integer> layers) {
            return new Hello(protocolVersion, name, room, client, resume, token, codecs, layers);
        }

        /** What the client decodes: its {@code codecs}, or the legacy PCM and JPEG when it sent none. */
        public Codecs decodes() {
            return codecs == null ? Codecs.LEGACY : codecs.orLegacy();
        }
    }

    /**
     * Codec names ({@code chorus.protocol.media.Codec}: "opus", "pcm", "h264", "jpeg") a client
     * decodes, most preferred first. An empty or null list means the legacy codec of that kind.
     */
    record Codecs(List<String> audio, List<String> video) {
        public static final Codecs LEGACY = new Codecs(
                chorus.protocol.media.Codec.LEGACY_AUDIO, chorus.protocol.media.Codec.LEGACY_VIDEO);

        Codecs orLegacy() {
            return new Codecs(audio == null || audio.isEmpty() ? LEGACY.audio : audio,
                    video == null || video.isEmpty() ? LEGACY.video : video);
        }
    }

    /** Who to come back as: the participant id and resume token of an earlier welcome. */
    record Resume(String participantId, String token) {
    }

    /**
     * Relay to client, answer to a valid hello. {@code mediaKey} is base64 of the 32-byte key for
     * the media authentication tag. {@code rosterSize} is how many are in the room, the newcomer
     * included; the members themselves follow at once in {@link RosterPage}s (a roster of any size
     * fits no single frame), then joined, left and updated messages as the room changes.
     * A clustered relay adds {@code resumeToken} (for a {@link Resume} through any node) and
     * {@code nodes}, the other nodes' control endpoints as {@code host:port}; a relay on its own
     * sends null and an empty list. {@code audioCodec} names the codec of the mix the relay sends
     * this client ("opus" or "pcm"), chosen from the hello's {@code codecs}; null means "pcm".
     */
    record Welcome(int protocolVersion, String participantId, int mediaId, String mediaKey,
                   MediaEndpoints media, String room, int rosterSize,
                   long pingIntervalMillis, long keepaliveTimeoutMillis, FileService files,
                   String resumeToken, List<String> nodes, String audioCodec) implements ControlMessage {
        /** A welcome that leaves the mix in PCM (a relay or a test that does not negotiate). */
        public Welcome(int protocolVersion, String participantId, int mediaId, String mediaKey,
                       MediaEndpoints media, String room, int rosterSize,
                       long pingIntervalMillis, long keepaliveTimeoutMillis, FileService files,
                       String resumeToken, List<String> nodes) {
            this(protocolVersion, participantId, mediaId, mediaKey, media, room, rosterSize, pingIntervalMillis,
                    keepaliveTimeoutMillis, files, resumeToken, nodes, null);
        }

        /** The codec id of the mix this client gets ({@code Codec.PCM16} when unnamed). */
        public int audioCodecId() {
            int id = chorus.protocol.media.Codec.forName(audioCodec);
            return id == chorus.protocol.media.Codec.NONE ? chorus.protocol.media.Codec.PCM16 : id;
        }
    }

    /**
     * Relay to client, right after the {@link Welcome}: page {@code page} (0 to {@code pages - 1},
     * in order) of the room's roster as it was at the welcome, in join order. Pages are cut by
     * encoded size so none exceeds {@link ControlCodec#MAX_FRAME_BYTES} ({@link RosterPages});
     * together they hold the welcome's {@code rosterSize} members. Joined, left and updated
     * messages come only after the last page.
     */
    record RosterPage(int page, int pages, List<ParticipantInfo> participants) implements ControlMessage {
    }

    /**
     * Relay to client: someone already in the room came back through another node (or otherwise
     * changed), e.g. with a new {@code mediaId}; they did not leave.
     */
    record ParticipantUpdated(ParticipantInfo participant) implements ControlMessage {
    }

    /** Relay to client (clustered): the other nodes' control endpoints changed; as in the welcome. */
    record Nodes(List<String> nodes) implements ControlMessage {
    }

    /**
     * Relay to client (clustered): this node is shutting down; resume on one of {@code nodes}
     * (the other live nodes' control endpoints, as in {@link Nodes}) now. The relay closes the
     * connection once the client has gone, or at the end of its drain.
     */
    record Move(List<String> nodes) implements ControlMessage {
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

    /** Client to relay: a chat message to everyone in the room (at most 4 000 characters by default). */
    record ChatSend(String text) implements ControlMessage {
    }

    /**
     * Relay to client: a chat message. {@code id} increases by one per message in a room, so
     * every participant sees the same order; {@code serverTime} is the relay's clock in epoch
     * milliseconds; {@code history} marks messages sent before this participant joined.
     */
    record ChatMessage(long id, String participantId, String from, String text, long serverTime,
                       boolean history) implements ControlMessage {
    }

    /** Client to relay: start presenting a screen (one presenter per room). */
    record ScreenShareStart() implements ControlMessage {
    }

    /** Client to relay: stop presenting. */
    record ScreenShareStop() implements ControlMessage {
    }

    /** Relay to client: who presents now; {@code presenter} is null when nobody does. */
    record PresenterChanged(ParticipantInfo presenter) implements ControlMessage {
    }

    /** Relay to client: a file was offered to the room ({@code history}: before this participant joined). */
    record FileOffered(FileInfo file, boolean history) implements ControlMessage {
    }

    /** How loud one talker is, in dBov (0 = full scale, -127 = silence), as in RFC 6464. */
    record AudioLevel(int mediaId, int level) {
    }

    /**
     * Relay to client, about every 100 ms while anyone talks: the loudest level of each talker over
     * that time, so clients can show who is speaking (the mix itself cannot tell them).
     */
    record AudioLevels(List<AudioLevel> levels) implements ControlMessage {
    }

    /**
     * One stream a client shows: {@code kind} "camera" (at most {@code layer}, the largest
     * simulcast layer it wants, from the tile's size) or "screen" (layer 0).
     */
    record Source(String participantId, String kind, int layer) {
        public static final String CAMERA = "camera";
        public static final String SCREEN = "screen";

        public static Source camera(String participantId, int layer) {
            return new Source(participantId, CAMERA, layer);
        }

        public static Source screen(String participantId) {
            return new Source(participantId, SCREEN, 0);
        }
    }

    /** "The {@code count} most recent speakers" (dominant first, never oneself), each at most {@code layer}. */
    record LastN(int count, int layer) {
    }

    /**
     * Client to relay: what it shows, replacing what it said before. The relay forwards it only
     * these streams: {@code sources} (the participants on its page, each at the layer its tile
     * needs) and {@code lastN} (null: none). A stream in both goes at the larger layer. Until a
     * client sends one, it receives every camera at its largest layer and every screen (the relay's
     * default). A subscription naming an unknown participant, a kind other than camera or screen,
     * or a layer its sender does not send is refused whole ({@code bad-subscription}); one over the
     * relay's stream cap is applied up to the cap ({@code subscription-capped}).
     */
    record Subscribe(List<Source> sources, LastN lastN) implements ControlMessage {
    }

    /**
     * Relay to a sender (dynacast): which of its camera's layers anyone in the room watches, and
     * whether anyone watches its screen. It sends only those; an empty {@code camera} list means
     * nobody watches its camera: it pauses the camera. Sent on every change.
     */
    record LayersWanted(List<Integer> camera, boolean screen) implements ControlMessage {
    }

    /**
     * Relay to client: who speaks now ({@code participantId}, null before anyone has) and the most
     * recent speakers, dominant first ({@code recent}, which last-N follows). Sent on every change.
     */
    record DominantSpeaker(String participantId, List<String> recent) implements ControlMessage {
    }

    /** Relay to client: something was refused. {@code code} is stable (see {@link ErrorCode}). */
    record Error(String code, String message) implements ControlMessage {
        /**
         * The longest message {@link #of} makes, in code points. A message may quote what the peer
         * sent (an unknown type, a bad value); cut to this, its frame fits even at 12 bytes a
         * character.
         */
        public static final int MAX_MESSAGE_LENGTH = 1000;

        public static Error of(ErrorCode code, String message) {
            return new Error(code.wire(), shortened(message));
        }

        private static String shortened(String message) {
            if (message == null || message.length() <= MAX_MESSAGE_LENGTH
                    || message.codePointCount(0, message.length()) <= MAX_MESSAGE_LENGTH) {
                return message;
            }
            return message.substring(0, message.offsetByCodePoints(0, MAX_MESSAGE_LENGTH)) + "\u2026";
        }
    }
}
