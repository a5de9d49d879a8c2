package chorus.protocol.control;

import java.util.Locale;

/** Stable error codes carried by {@link ControlMessage.Error}. Clients may switch on them. */
public enum ErrorCode {
    /** A frame that is not a JSON object with a known shape; the connection stays open. */
    MALFORMED_FRAME,
    /** A frame whose bytes are not valid UTF-8; the connection stays open. */
    BAD_UTF8,
    /** A frame whose {@code type} is unknown; the connection stays open. */
    UNKNOWN_TYPE,
    /** A length prefix over the 64 KiB maximum: the stream cannot be resynchronised, it is closed. */
    FRAME_TOO_LARGE,
    UNSUPPORTED_VERSION,
    INVALID_NAME,
    INVALID_ROOM,
    /** A message that needs a joined participant arrived before the hello. */
    NOT_JOINED,
    ALREADY_JOINED,
    /** No pong within the keepalive timeout: the relay closes the connection. */
    KEEPALIVE_TIMEOUT,
    /** No hello was accepted within the relay's hello timeout after connecting: it closes the connection. */
    HELLO_TIMEOUT,
    SHUTTING_DOWN,
    /**
     * A chat message over the room's limit (4 000 characters by default), or whose {@code chat}
     * frame would exceed the 64 KiB maximum; nothing was sent.
     */
    MESSAGE_TOO_LONG,
    /** Someone else presents; the message names them. */
    PRESENTER_BUSY,
    // File service (HTTP) answers: the JSON body {"code", "message"} carries one of these.
    /** Upload over the relay's size limit; nothing was kept. */
    FILE_TOO_LARGE,
    /** A file name that is empty, a path, or has control characters. */
    BAD_FILE_NAME,
    /** No such file in this room (or it belongs to another room). */
    UNKNOWN_FILE,
    /** Missing or wrong token, or a token for another room. */
    FORBIDDEN,
    /** The bytes received do not hash to the SHA-256 the uploader declared; nothing was kept. */
    CHECKSUM_MISMATCH,
    /** The upload ended before all its bytes arrived; nothing was kept or announced. */
    UPLOAD_INCOMPLETE,
    /** The relay could not complete the request; try again. */
    INTERNAL,
    /**
     * The participant sends more media on a port than its limit (chorus.relay.limits.media); the
     * excess is dropped. Also chat faster than {@code limits.chat-rate}: those messages went to
     * nobody. Sent at most once a second while it lasts; the connection stays open.
     */
    RATE_LIMITED,
    // Limits (chorus.relay.limits): one client cannot take more than its share.
    /** The room has as many participants as the relay allows ({@code limits.room-size}); the hello is refused. */
    ROOM_FULL,
    /** Nothing received for {@code limits.control-idle-timeout}, a frame not complete within {@code limits.frame-timeout}, or an upload idle for {@code limits.upload-idle-timeout}. */
    IDLE_TIMEOUT,
    /** The relay already holds as many connections from this address, or in all, as it allows; closed at once. */
    TOO_MANY_CONNECTIONS,
    /** The room's files would exceed {@code limits.room-quota}; nothing was kept. */
    QUOTA_EXCEEDED,
    /** The relay's free disk space is under {@code limits.disk-low-water}; the upload was refused before a byte was written. */
    DISK_FULL,
    /** The participant already has {@code limits.transfers-per-participant} uploads and downloads running. */
    TOO_MANY_TRANSFERS,
    /** The hello had no access token, or one that is not valid for this room on this relay; closed. */
    INVALID_TOKEN,
    /** The hello's access token has expired; closed. */
    TOKEN_EXPIRED,
    /** The participant's token does not grant this (present, share files); in the file service HTTP 403. */
    NOT_ALLOWED,
    /** The same identity joined the room again (another device, a reload): this older connection is closed. */
    REPLACED,
    /**
     * A {@code subscribe} naming an unknown participant, an unknown kind or a layer its sender does
     * not send; the whole subscription was refused and the one before it stays.
     */
    BAD_SUBSCRIPTION,
    /** A hello whose {@code layers} are not 1 to 3 ascending heights; the hello is refused. */
    INVALID_LAYERS,
    /**
     * A {@code subscribe} asking for more streams than {@code limits.max-subscribed-streams}: the
     * first that many were applied (last-N counted after the named sources), the rest were not.
     */
    SUBSCRIPTION_CAPPED;

    /** The code on the wire: lower case with dashes, e.g. {@code frame-too-large}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
