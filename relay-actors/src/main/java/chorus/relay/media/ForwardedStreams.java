package chorus.relay.media;

import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.RetransmissionBuffer;
import java.nio.ByteBuffer;
import chorus.relay.config.MediaConfig;

/**
 * One sender's retransmission buffers and uplink gaps per stream: each camera layer (VIDEO, its
 * own sequence numbers) and the screen (SCREEN, layer 0), each made on the first datagram of its
 * stream the relay forwards. Touched under its sender's video lock, except {@link #sentWithin} (a buffer made
 * meanwhile may not show yet: it then reads as not sending, which costs one keyframe request).
 */
final class ForwardedStreams {
    private static final int STREAMS = MediaHeader.MAX_LAYERS + 1;
    private final MediaConfig.Recovery config;
    private final RetransmissionBuffer[] buffers = new RetransmissionBuffer[STREAMS];
    private final UplinkGaps[] gaps = new UplinkGaps[STREAMS];

    ForwardedStreams(MediaConfig.Recovery config) {
        this.config = config;
    }

    private static int slot(MediaKind kind, int layer) {
        return kind == MediaKind.SCREEN ? MediaHeader.MAX_LAYERS : layer;
    }

    /** The stream's buffer, or null before its first datagram (or for a layer out of range). */
    RetransmissionBuffer of(MediaKind kind, int layer) {
        return layer < 0 || layer >= MediaHeader.MAX_LAYERS ? null : buffers[slot(kind, layer)];
    }

    /** Keeps a datagram of the stream (made when this is its first) for receivers' NACKs. */
    void store(ByteBuffer clear, MediaKind kind, long nowNanos) {
        int s = slot(kind, MediaHeader.layer(clear, 0));
        RetransmissionBuffer buffer = buffers[s];
        if (buffer == null) {
            buffer = new RetransmissionBuffer(config.retransmissionAge().toNanos(), config.retransmissionDatagrams(),
                    config.retransmissionBytes());
            buffers[s] = buffer;
        }
        buffer.store(clear, nowNanos);
    }

    /** The gaps in the stream as it arrives from its sender (a local sender's only). */
    UplinkGaps gaps(MediaKind kind, int layer) {
        int s = slot(kind, layer);
        if (gaps[s] == null) {
            gaps[s] = new UplinkGaps();
        }
        return gaps[s];
    }

    /** Whether the stream forwarded a datagram within {@code windowNanos} of {@code nowNanos}. */
    boolean sentWithin(MediaKind kind, int layer, long windowNanos, long nowNanos) {
        RetransmissionBuffer buffer = of(kind, layer);
        return buffer != null && nowNanos - buffer.lastStoredNanos() < windowNanos;
    }
}
