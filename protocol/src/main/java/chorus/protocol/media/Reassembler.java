package chorus.protocol.media;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Rebuilds the frames of one incoming stream (one sender, one kind) from its fragments. Tolerates
 * loss, reordering and duplicates; gives out only complete frames whose fragments agree with each
 * other; drops a frame still incomplete after a timeout, or pushed out by newer frames, and counts
 * it. Not thread-safe: one per stream, used by one thread or actor.
 */
public final class Reassembler {
    /** A complete frame. {@code data} is owned by the receiver. */
    public record Frame(long frameId, long timestamp, int codec, int flags, byte[] data) {
    }

    /** Why an incomplete frame was given up. */
    public enum FrameDrop {
        /** Still incomplete after the timeout. */
        TIMED_OUT,
        /** Pushed out by newer frames while the most frames were in flight. */
        EVICTED,
        /** Its fragments disagreed about the frame (count, codec, flags or timestamp). */
        INCONSISTENT,
        /** Announced, or grown, past the largest frame. */
        OVERSIZED;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Told of each frame given up, on the thread that offered the datagram (e.g. the relay's metrics). */
    @FunctionalInterface
    public interface DropListener {
        DropListener NONE = why -> { };

        void frameDropped(FrameDrop why);
    }

    private static final int FINISHED_MEMORY = 64;

    private final int maxPendingFrames;
    private final long timeoutNanos;
    private final int maxFrameBytes;
    private final DropListener drops;
    private final LinkedHashMap<Long, Partial> pending = new LinkedHashMap<>();
    private final MediaHeader header = new MediaHeader();
    private final long[] finished = new long[FINISHED_MEMORY];
    private int finishedCount;
    private int finishedNext;

    private long framesCompleted;
    private long framesTimedOut;
    private long framesEvicted;
    private long framesInconsistent;
    private long duplicateFragments;
    private long staleFragments;
    private long oversizedFrames;

    public Reassembler(int maxPendingFrames, long timeoutNanos, int maxFrameBytes) {
        this(maxPendingFrames, timeoutNanos, maxFrameBytes, DropListener.NONE);
    }

    public Reassembler(int maxPendingFrames, long timeoutNanos, int maxFrameBytes, DropListener drops) {
        if (maxPendingFrames < 1) {
            throw new IllegalArgumentException("maxPendingFrames must be at least 1");
        }
        this.maxPendingFrames = maxPendingFrames;
        this.timeoutNanos = timeoutNanos;
        this.maxFrameBytes = maxFrameBytes;
        this.drops = drops;
    }

    /** Defaults for video: 8 frames in flight, 500 ms to complete, frames up to 8 MiB. */
    public static Reassembler forVideo() {
        return new Reassembler(8, 500_000_000L, 8 << 20);
    }

    /** Defaults for audio: frames are two fragments; a frame older than 200 ms is useless. */
    public static Reassembler forAudio() {
        return forAudio(DropListener.NONE);
    }

    /** {@link #forAudio()}, telling {@code drops} of each frame given up. */
    public static Reassembler forAudio(DropListener drops) {
        return new Reassembler(8, 200_000_000L, 64 << 10, drops);
    }

    /**
     * Offers one datagram that has passed {@link MediaHeader#validate}. Returns the frame it
     * completes, or null.
     */
    public Frame offer(ByteBuffer datagram, int offset, long nowNanos) {
        expire(nowNanos);
        MediaHeader h = header.wrap(datagram, offset);
        long frameId = h.frameId();
        int count = h.fragmentCount();
        int index = h.fragmentIndex();
        int length = h.payloadLength();

        if (wasFinished(frameId)) {
            staleFragments++;
            return null;
        }
        if (count == 1) {
            if (pending.remove(frameId) != null) {
                // A one-fragment datagram for a frame announced as several: they disagree.
                finish(frameId);
                framesInconsistent++;
                drops.frameDropped(FrameDrop.INCONSISTENT);
                return null;
            }
            byte[] data = new byte[length];
            datagram.get(h.payloadOffset(), data);
            finish(frameId);
            framesCompleted++;
            return new Frame(frameId, h.timestamp(), h.codec(), h.flags(), data);
        }
        if (count > Fragmenter.fragmentsFor(maxFrameBytes)) {
            oversizedFrames++;
            drops.frameDropped(FrameDrop.OVERSIZED);
            return null;
        }
        Partial p = pending.get(frameId);
        if (p == null) {
            while (pending.size() >= maxPendingFrames) {
                evictOldest();
            }
            p = new Partial(count, h.codec(), h.flags(), h.timestamp(), nowNanos);
            pending.put(frameId, p);
        } else if (p.parts.length != count || p.codec != h.codec() || p.flags != h.flags()
                || p.timestamp != h.timestamp()) {
            // Fragments that disagree about their frame: give out nothing rather than a corrupt frame.
            pending.remove(frameId);
            finish(frameId);
            framesInconsistent++;
            drops.frameDropped(FrameDrop.INCONSISTENT);
            return null;
        }
        if (p.parts[index] != null) {
            duplicateFragments++;
            return null;
        }
        byte[] part = new byte[length];
        datagram.get(h.payloadOffset(), part);
        p.parts[index] = part;
        p.received++;
        p.bytes += length;
        if (p.bytes > maxFrameBytes) {
            pending.remove(frameId);
            finish(frameId);
            oversizedFrames++;
            drops.frameDropped(FrameDrop.OVERSIZED);
            return null;
        }
        if (p.received < count) {
            return null;
        }
        pending.remove(frameId);
        finish(frameId);
        framesCompleted++;
        byte[] data = new byte[p.bytes];
        int at = 0;
        for (byte[] fragment : p.parts) {
            System.arraycopy(fragment, 0, data, at, fragment.length);
            at += fragment.length;
        }
        return new Frame(frameId, p.timestamp, p.codec, p.flags, data);
    }

    /** Drops frames that have waited longer than the timeout. Returns how many were dropped. */
    public int expire(long nowNanos) {
        int dropped = 0;
        Iterator<Map.Entry<Long, Partial>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Partial> e = it.next();
            if (nowNanos - e.getValue().firstSeenNanos < timeoutNanos) {
                break; // insertion order is arrival order: the rest are younger
            }
            it.remove();
            finish(e.getKey());
            framesTimedOut++;
            drops.frameDropped(FrameDrop.TIMED_OUT);
            dropped++;
        }
        return dropped;
    }

    private void evictOldest() {
        Iterator<Map.Entry<Long, Partial>> it = pending.entrySet().iterator();
        Map.Entry<Long, Partial> oldest = it.next();
        it.remove();
        finish(oldest.getKey());
        framesEvicted++;
        drops.frameDropped(FrameDrop.EVICTED);
    }

    private boolean wasFinished(long frameId) {
        for (int i = 0; i < finishedCount; i++) {
            if (finished[i] == frameId) {
                return true;
            }
        }
        return false;
    }

    private void finish(long frameId) {
        finished[finishedNext] = frameId;
        finishedNext = (finishedNext + 1) % FINISHED_MEMORY;
        finishedCount = Math.min(finishedCount + 1, FINISHED_MEMORY);
    }

    public int pendingFrames() {
        return pending.size();
    }

    public long framesCompleted() {
        return framesCompleted;
    }

    /** Incomplete frames given up: timed out, pushed out by newer frames, inconsistent or oversized. */
    public long framesDropped() {
        return framesTimedOut + framesEvicted + framesInconsistent + oversizedFrames;
    }

    public long framesTimedOut() {
        return framesTimedOut;
    }

    public long framesEvicted() {
        return framesEvicted;
    }

    public long framesInconsistent() {
        return framesInconsistent;
    }

    public long duplicateFragments() {
        return duplicateFragments;
    }

    public long staleFragments() {
        return staleFragments;
    }

    public long oversizedFrames() {
        return oversizedFrames;
    }

    private static final class Partial {
        final byte[][] parts;
        final int codec;
        final int flags;
        final long timestamp;
        final long firstSeenNanos;
        int received;
        int bytes;

        Partial(int count, int codec, int flags, long timestamp, long firstSeenNanos) {
            this.parts = new byte[count][];
            this.codec = codec;
            this.flags = flags;
            this.timestamp = timestamp;
            this.firstSeenNanos = firstSeenNanos;
        }
    }
}
