package chorus.client.media;

import chorus.protocol.media.Reassembler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives out each sender stream's (a long key the caller chooses: sender and layer) complete frames in frame-id order. With NACKs a frame that lost a
 * datagram completes after the frames behind it; given out as it completes, a decoder would take
 * the newer frames as a loss and the recovered one as too late (an H.264 reference chain breaks
 * either way). So a frame that comes before the one awaited is held until the awaited one
 * completes, is given up by the reassembler, or has been awaited {@code maxHoldNanos}; at most
 * {@code maxHeld} frames are held per stream. Not thread-safe: the video receive thread's.
 */
final class FrameOrder {
    /** Where frames go, in order. */
    @FunctionalInterface
    interface Out {
        void frame(long stream, Reassembler.Frame frame);
    }

    private final long maxHoldNanos;
    private final int maxHeld;
    private final Map<Long, Stream> streams = new HashMap<>();
    private long framesHeld;

    FrameOrder(long maxHoldNanos, int maxHeld) {
        this.maxHoldNanos = maxHoldNanos;
        this.maxHeld = maxHeld;
    }

    /** A complete frame of {@code mediaId}'s stream: given out now with those it freed, or held. */
    void complete(long mediaId, Reassembler.Frame frame, long nowNanos, Out out) {
        Stream stream = streams.computeIfAbsent(mediaId, id -> new Stream());
        long ahead = stream.awaited < 0 ? 0 : (int) (frame.frameId() - stream.awaited);
        if (ahead <= 0) {
            // The awaited one, or one older than it (late: the decoder judges it)
            if (ahead == 0 || stream.awaited < 0) {
                stream.awaited = (frame.frameId() + 1) & 0xFFFF_FFFFL;
            }
            out.frame(mediaId, frame);
            release(mediaId, stream, out, nowNanos);
            return;
        }
        if (stream.held.isEmpty()) {
            stream.heldSinceNanos = nowNanos;
        }
        stream.held.add(frame);
        framesHeld++;
        if (stream.held.size() > maxHeld) {
            skipGap(mediaId, stream, out, nowNanos);
        }
    }

    /** The reassembler gave up a frame of {@code mediaId}'s stream: the awaited one may never come. */
    void gaveUp(long mediaId, long nowNanos, Out out) {
        Stream stream = streams.get(mediaId);
        if (stream != null && !stream.held.isEmpty()) {
            skipGap(mediaId, stream, out, nowNanos);
        }
    }

    /** Gives out what {@code mediaId}'s stream held longer than allowed. */
    void expire(long mediaId, long nowNanos, Out out) {
        Stream stream = streams.get(mediaId);
        if (stream != null && !stream.held.isEmpty() && nowNanos - stream.heldSinceNanos >= maxHoldNanos) {
            skipGap(mediaId, stream, out, nowNanos);
        }
    }

    /** Frames that waited for an earlier one. */
    long framesHeld() {
        return framesHeld;
    }

    /** Stops awaiting the missing frame: on from the oldest held one. */
    private void skipGap(long mediaId, Stream stream, Out out, long nowNanos) {
        Reassembler.Frame oldest = null;
        for (Reassembler.Frame f : stream.held) {
            if (oldest == null || (int) (f.frameId() - oldest.frameId()) < 0) {
                oldest = f;
            }
        }
        stream.awaited = oldest.frameId();
        release(mediaId, stream, out, nowNanos);
    }

    /** Gives out held frames while the awaited one is among them; what stays waits from now. */
    private void release(long mediaId, Stream stream, Out out, long nowNanos) {
        boolean found = true;
        while (found && !stream.held.isEmpty()) {
            found = false;
            for (int i = 0; i < stream.held.size(); i++) {
                Reassembler.Frame f = stream.held.get(i);
                long ahead = (int) (f.frameId() - stream.awaited);
                if (ahead <= 0) {
                    stream.held.remove(i);
                    if (ahead == 0) {
                        stream.awaited = (f.frameId() + 1) & 0xFFFF_FFFFL;
                    }
                    out.frame(mediaId, f);
                    found = true;
                    break;
                }
            }
        }
        stream.heldSinceNanos = nowNanos;
    }

    private static final class Stream {
        long awaited = -1;
        long heldSinceNanos;
        final List<Reassembler.Frame> held = new ArrayList<>();
    }
}
