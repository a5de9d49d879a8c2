package chorus.relay.media;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Coalesces keyframe requests per sender stream: however many receivers ask (and however often
 * newcomers join), a stream's sender is asked at most once per interval. Thread-safe: the video
 * receive thread asks for receivers, the room's actor for newcomers.
 */
final class KeyframeRequests {
    private final long intervalNanos;
    /** When each stream's sender was last asked; a stream's entry goes with its sender. */
    private final ConcurrentHashMap<Long, Long> lastAsked = new ConcurrentHashMap<>();

    KeyframeRequests(long intervalNanos) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("keyframe-request-interval must be positive");
        }
        this.intervalNanos = intervalNanos;
    }

    /** A stream's key: its sender, kind and layer (each layer is a stream of its own). */
    static long stream(int mediaId, int kindWire, int layer) {
        return ((long) mediaId << 16) | ((long) kindWire << 8) | layer;
    }

    /** True when the stream's sender is to be asked now (and the interval starts again), false when it was asked lately. */
    boolean due(long stream, long nowNanos) {
        boolean[] due = {false};
        lastAsked.compute(stream, (k, last) -> {
            if (last == null || nowNanos - last >= intervalNanos) {
                due[0] = true;
                return nowNanos;
            }
            return last;
        });
        return due[0];
    }

    /** Forgets a sender's streams, every layer of each kind (it left this node). */
    void forget(int mediaId, int[] kindWires, int layers) {
        for (int kind : kindWires) {
            for (int layer = 0; layer < layers; layer++) {
                lastAsked.remove(stream(mediaId, kind, layer));
            }
        }
    }
}
