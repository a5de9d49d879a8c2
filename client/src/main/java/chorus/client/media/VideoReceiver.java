package chorus.client.media;

import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.Reassembler;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The receiving half of a client's video: one reassembler per sender and simulcast layer (the media
 * id and layer in the header say whose stream a forwarded datagram is; each layer has its own
 * sequences and frame ids, so loss, order and recovery are kept per layer too), counts of complete frames per sender, and one decoder per
 * sender for the codec its frames carry ({@link IncomingVideo}): a frame that does not decode is
 * dropped and counted and the others' video goes on; while a sender's H.264 waits for a keyframe
 * its other frames are skipped, and {@link #needsKeyframe} says so. {@link #offer} runs on the
 * video receive thread only; the counts may be read from anywhere. {@link #close} frees the decoders.
 */
public final class VideoReceiver {
    /** Bounds the reassemblers a misbehaving relay could make us keep. */
    static final int MAX_SENDERS = 1024;

    /** Told about each complete frame; {@code image} is null when not decoding or undecodable. */
    public interface FrameListener {
        void onFrame(int mediaId, Reassembler.Frame frame, BufferedImage image);

        /** A frame of simulcast {@code layer}; by default as {@link #onFrame(int, Reassembler.Frame, BufferedImage)}. */
        default void onFrame(int mediaId, int layer, Reassembler.Frame frame, BufferedImage image) {
            onFrame(mediaId, frame, image);
        }
    }

    /** The key of one sender's layer: each layer is reassembled, ordered and recovered on its own. */
    static long stream(int mediaId, int layer) {
        return ((long) mediaId << 8) | (layer & 0xFF);
    }

    private static int mediaIdOf(long stream) {
        return (int) (stream >> 8);
    }

    private static int layerOf(long stream) {
        return (int) (stream & 0xFF);
    }

    private final Map<Long, Reassembler> reassemblers = new HashMap<>();
    private final ConcurrentHashMap<Integer, LongAdder> framesByMediaId = new ConcurrentHashMap<>();
    /** Complete frames by {@link #stream} key, and pictures decoded by it. */
    private final ConcurrentHashMap<Long, LongAdder> framesByLayer = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, LongAdder> decodedByLayer = new ConcurrentHashMap<>();
    private final AtomicLong framesOfOtherLayers = new AtomicLong();
    private final ConcurrentHashMap<Integer, IncomingVideo> decoding = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, LongAdder> countersReadBack = new ConcurrentHashMap<>();
    private final AtomicLong decodeErrors = new AtomicLong();
    private final AtomicLong framesSkipped = new AtomicLong();
    private final AtomicLong framesIncomplete = new AtomicLong();
    private final SequenceLoss loss = new SequenceLoss();
    private final boolean decode;
    private final DropCounts drops;
    private final FrameListener listener;
    /** NACKs and keyframe requests for these streams, or null when this receiver asks for nothing. */
    private final RecoveryRequests recovery;
    /**
     * Frames back in order for the decoder when NACKs complete them late: held at most 300 ms
     * (NACK retries end by about 170 ms) or 8 frames (what the reassembler keeps pending).
     */
    private final FrameOrder order = new FrameOrder(300_000_000L, 8);
    private volatile boolean closed;

    public VideoReceiver(boolean decode, DropCounts drops, FrameListener listener) {
        this(decode, drops, listener, null);
    }

    /** @param recovery asks the relay for what is lost (NACKs, keyframe requests); null asks for nothing */
    public VideoReceiver(boolean decode, DropCounts drops, FrameListener listener, RecoveryRequests recovery) {
        this.decode = decode;
        this.drops = drops;
        this.listener = listener;
        this.recovery = recovery;
    }

    /** One validated video datagram from the relay. */
    public void offer(ByteBuffer datagram, long nowNanos) {
        int mediaId = MediaHeader.mediaId(datagram, 0);
        int layer = MediaHeader.layer(datagram, 0);
        long stream = stream(mediaId, layer);
        loss.offer(datagram, 0);
        Reassembler reassembler = reassemblers.get(stream);
        if (reassembler == null) {
            if (reassemblers.size() >= MAX_SENDERS) {
                drops.add(DropCounts.TOO_MANY_SENDERS);
                return;
            }
            reassembler = Reassembler.forVideo();
            reassemblers.put(stream, reassembler);
        }
        if (recovery != null) {
            recovery.onDatagram(mediaId, layer, MediaHeader.sequence(datagram, 0), nowNanos);
        }
        long incompleteBefore = reassembler.framesDropped();
        Reassembler.Frame frame = reassembler.offer(datagram, 0, nowNanos);
        long incomplete = reassembler.framesDropped() - incompleteBefore;
        framesIncomplete.addAndGet(incomplete);
        if (recovery == null) {
            if (frame != null) {
                deliver(stream, frame, nowNanos);
            }
            return;
        }
        FrameOrder.Out out = (key, f) -> deliver(key, f, nowNanos);
        if (incomplete > 0) {
            recovery.onFrameDropped(mediaId, layer, nowNanos);
            order.gaveUp(stream, nowNanos, out);
        }
        if (frame != null) {
            order.complete(stream, frame, nowNanos, out);
        } else {
            order.expire(stream, nowNanos, out);
        }
    }

    /** A complete frame, in order when this receiver recovers loss: counted, decoded, handed on. */
    private void deliver(long stream, Reassembler.Frame frame, long nowNanos) {
        int mediaId = mediaIdOf(stream);
        int layer = layerOf(stream);
        if (recovery != null) {
            recovery.onFrame(mediaId, layer, (frame.flags() & MediaHeader.FLAG_KEYFRAME) != 0, nowNanos);
        }
        framesByMediaId.computeIfAbsent(mediaId, id -> new LongAdder()).increment();
        framesByLayer.computeIfAbsent(stream, id -> new LongAdder()).increment();
        BufferedImage image = decode ? decode(mediaId, layer, frame) : null;
        if (image != null) {
            decodedByLayer.computeIfAbsent(stream, id -> new LongAdder()).increment();
        }
        IncomingVideo incoming = decoding.get(mediaId);
        if (recovery != null && decode && incoming != null && incoming.layer() == layer && incoming.needsKeyframe()) {
            recovery.keyframeNeeded(mediaId, layer, nowNanos); // the decoder's word, coalesced per interval
        }
        listener.onFrame(mediaId, layer, frame, image);
    }

    /** The decoder cannot go on with {@code mediaId}'s stream without a keyframe: one is asked for (coalesced). */
    public void keyframeNeeded(int mediaId, long nowNanos) {
        IncomingVideo stream = decoding.get(mediaId);
        if (recovery != null) {
            recovery.keyframeNeeded(mediaId, stream == null ? 0 : Math.max(0, stream.layer()), nowNanos);
        }
    }

    /** Sends the NACKs that are due; called from a clock every few milliseconds. */
    public void tick(long nowNanos) {
        if (recovery != null) {
            recovery.tick(nowNanos);
        }
    }

    /** What this receiver asked the relay for, or null when it asks for nothing. */
    public RecoveryRequests recovery() {
        return recovery;
    }

    private BufferedImage decode(int mediaId, int layer, Reassembler.Frame frame) {
        if (closed) {
            return null;
        }
        IncomingVideo stream = decoding.computeIfAbsent(mediaId,
                id -> new IncomingVideo(countersReadBack.computeIfAbsent(id, any -> new LongAdder())));
        switch (stream.decode(frame, layer)) {
            case DECODED -> {
                return stream.image();
            }
            case UNDECODABLE -> decodeErrors.incrementAndGet();
            case SKIPPED -> framesSkipped.incrementAndGet();
            case OTHER_LAYER -> framesOfOtherLayers.incrementAndGet();
        }
        return null;
    }

    /**
     * True while the video of {@code mediaId} cannot be decoded until a keyframe comes: it started
     * mid-stream, lost a frame, or sent one that did not decode. False for a sender never heard
     * from, and when not decoding.
     */
    public boolean needsKeyframe(int mediaId) {
        IncomingVideo stream = decoding.get(mediaId);
        return stream != null && stream.needsKeyframe();
    }

    /** The senders whose video waits for a keyframe (see {@link #needsKeyframe}). */
    public Set<Integer> sendersNeedingKeyframe() {
        Set<Integer> waiting = new TreeSet<>();
        decoding.forEach((id, stream) -> {
            if (stream.needsKeyframe()) {
                waiting.add(id);
            }
        });
        return waiting;
    }

    /**
     * Frames not decoded because they were of a layer other than the one their sender's decoder
     * follows (it switches at a keyframe of another layer): a relay that forwards several layers.
     */
    public long framesOfOtherLayers() {
        return framesOfOtherLayers.get();
    }

    /** Complete frames of {@code mediaId}, by simulcast layer. */
    public Map<Integer, Long> framesByLayer(int mediaId) {
        return byLayer(framesByLayer, mediaId);
    }

    /** Pictures decoded of {@code mediaId}, by simulcast layer. */
    public Map<Integer, Long> decodedByLayer(int mediaId) {
        return byLayer(decodedByLayer, mediaId);
    }

    /** Complete frames by sender media id, then layer. */
    public Map<Integer, Map<Integer, Long>> framesByMediaIdAndLayer() {
        Map<Integer, Map<Integer, Long>> out = new HashMap<>();
        framesByLayer.forEach((key, count) ->
                out.computeIfAbsent(mediaIdOf(key), id -> new TreeMap<>()).put(layerOf(key), count.sum()));
        return out;
    }

    private static Map<Integer, Long> byLayer(Map<Long, LongAdder> counts, int mediaId) {
        Map<Integer, Long> out = new TreeMap<>();
        counts.forEach((key, count) -> {
            if (mediaIdOf(key) == mediaId) {
                out.put(layerOf(key), count.sum());
            }
        });
        return out;
    }

    /** Frames not decoded because their sender's stream waited for a keyframe or they came late. */
    public long framesSkipped() {
        return framesSkipped.get();
    }

    /**
     * Pictures, by sender media id, whose test-pattern frame counter ({@link FrameCounterStrip})
     * read back and had moved on from the one before: the others' video decoded to the expected picture.
     */
    public Map<Integer, Long> countersReadBackByMediaId() {
        Map<Integer, Long> out = new HashMap<>();
        countersReadBack.forEach((id, count) -> out.put(id, count.sum()));
        return out;
    }

    /** {@code mediaId} left: its decoder's native memory is freed now rather than at the end of the session. */
    public void forget(int mediaId) {
        IncomingVideo stream = decoding.remove(mediaId);
        if (stream != null) {
            stream.close();
        }
    }

    /** Frees the decoders; called on (or after the end of) the receive thread. */
    public void close() {
        closed = true;
        decoding.values().forEach(IncomingVideo::close);
    }

    /** Complete frames received, by sender media id. */
    public Map<Integer, Long> framesByMediaId() {
        Map<Integer, Long> out = new HashMap<>();
        framesByMediaId.forEach((id, count) -> out.put(id, count.sum()));
        return out;
    }

    public long decodeErrors() {
        return decodeErrors.get();
    }

    /** Sequence-number accounting of the datagrams forwarded to us, for packet loss. */
    public SequenceLoss loss() {
        return loss;
    }

    /** Frames given up incomplete (lost fragments, timeouts). */
    public long framesIncomplete() {
        return framesIncomplete.get();
    }
}
