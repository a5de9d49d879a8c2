package chorus.relay.metrics;

import java.util.Locale;

/**
 * The limits on what one client can consume ({@code chorus.relay.limits}), as counted in
 * {@link RelayStats#limitHit} and exported as {@code chorus_limit_hits_total{limit=...}}.
 */
public enum Limit {
    /** A control connection with no hello accepted within {@code control.hello-timeout}. */
    HELLO_TIMEOUT,
    /** A joined control connection from which nothing arrived for {@code limits.control-idle-timeout}. */
    CONTROL_IDLE,
    /** A control frame whose bytes started and did not complete within {@code limits.frame-timeout}. */
    FRAME_TIMEOUT,
    /** A control connection refused: its address has {@code limits.connections-per-address} already. */
    CONNECTIONS_PER_ADDRESS,
    /** A control connection refused: the node has {@code limits.max-connections} already. */
    CONNECTIONS_TOTAL,
    /** A chat message over {@code limits.chat-rate} / {@code limits.chat-burst}, not sent. */
    CHAT_RATE,
    /** A hello refused: the room has {@code limits.room-size} participants. */
    ROOM_SIZE,
    /** An upload aborted: no bytes for {@code limits.upload-idle-timeout}. */
    UPLOAD_IDLE,
    /** An upload refused or aborted: the room's files would exceed {@code limits.room-quota}. */
    ROOM_QUOTA,
    /** An upload refused: the node's free disk space is under {@code limits.disk-low-water}. */
    DISK_LOW_WATER,
    /** A transfer refused: the participant has {@code limits.transfers-per-participant} running. */
    TRANSFERS_PER_PARTICIPANT,
    /** A file service connection refused: its address has {@code limits.files-connections-per-address}. */
    FILES_CONNECTIONS_PER_ADDRESS,
    /** A file service connection refused: the node has {@code limits.files-max-connections}. */
    FILES_CONNECTIONS_TOTAL,
    /** A NACK, or the rest of what it names, ignored: over {@code limits.media.nack-rate} / {@code nack-burst}. */
    NACK_RATE,
    /** A keyframe request ignored: over {@code limits.media.keyframe-request-rate} / {@code keyframe-request-burst}. */
    KEYFRAME_REQUEST_RATE,
    /** A subscription refused: over {@code limits.subscribe-rate} / {@code subscribe-burst}. */
    SUBSCRIBE_RATE,
    /** A subscription cut to {@code limits.max-subscribed-streams}. */
    SUBSCRIBED_STREAMS;

    /** The metric label: lower case with dashes, e.g. {@code chat-rate}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
