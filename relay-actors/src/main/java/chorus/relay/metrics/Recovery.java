package chorus.relay.metrics;

import java.util.Locale;

/**
 * What video loss recovery did, counted in {@link RelayStats#recovery} and exported as
 * {@code chorus_video_recovery_total{event=...}}.
 */
public enum Recovery {
    /** A NACK from a receiver, within its rate limit. */
    NACK_RECEIVED,
    /** A NACK sent to a sender connected here, for what its own path lost before the relay. */
    NACK_SENT,
    /** A datagram resent from a retransmission buffer to the receiver that asked. */
    RETRANSMITTED,
    /** A sequence a NACK named that the buffer did not hold (too old, never forwarded): ignored. */
    NOT_BUFFERED,
    /** A keyframe request from a receiver (or a peer node), within its rate limit. */
    KEYFRAME_REQUEST_RECEIVED,
    /** A keyframe request sent to a stream's sender (or to its node). */
    KEYFRAME_REQUEST_SENT,
    /** A keyframe request not passed on: the stream's sender was asked within the interval. */
    KEYFRAME_REQUEST_COALESCED;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
