package chorus.relay.media;

import chorus.protocol.media.MediaKind;
import chorus.protocol.media.RetransmissionBuffer;
import chorus.relay.config.MediaConfig;

/**
 * One sender's retransmission buffers, camera (VIDEO) and screen (SCREEN), each made on the first
 * datagram of its stream the relay forwards. Video receive thread only, except that whether the
 * sender sent lately may be asked anywhere.
 */
final class ForwardedStreams {
    private final MediaConfig.Recovery config;
    private volatile RetransmissionBuffer video;
    private volatile RetransmissionBuffer screen;
    private UplinkGaps videoGaps;
    private UplinkGaps screenGaps;

    ForwardedStreams(MediaConfig.Recovery config) {
        this.config = config;
    }

    /** The stream's buffer, or null before its first datagram. */
    RetransmissionBuffer of(MediaKind kind) {
        return kind == MediaKind.SCREEN ? screen : video;
    }

    /** The stream's buffer, made when this is its first datagram. */
    RetransmissionBuffer forStoring(MediaKind kind) {
        RetransmissionBuffer buffer = of(kind);
        if (buffer == null) {
            buffer = new RetransmissionBuffer(config.retransmissionAge().toNanos(), config.retransmissionDatagrams(),
                    config.retransmissionBytes());
            if (kind == MediaKind.SCREEN) {
                screen = buffer;
            } else {
                video = buffer;
            }
        }
        return buffer;
    }

    /** The gaps in the stream as it arrives from its sender (a local sender's only). */
    UplinkGaps gaps(MediaKind kind) {
        if (kind == MediaKind.SCREEN) {
            if (screenGaps == null) {
                screenGaps = new UplinkGaps();
            }
            return screenGaps;
        }
        if (videoGaps == null) {
            videoGaps = new UplinkGaps();
        }
        return videoGaps;
    }

    /** Whether the stream forwarded a datagram within {@code windowNanos} of {@code nowNanos}. */
    boolean sentWithin(MediaKind kind, long windowNanos, long nowNanos) {
        RetransmissionBuffer buffer = of(kind);
        return buffer != null && nowNanos - buffer.lastStoredNanos() < windowNanos;
    }
}
