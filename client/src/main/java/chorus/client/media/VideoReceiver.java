package chorus.client.media;

import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.Reassembler;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.imageio.ImageIO;

/**
 * The receiving half of a client's video: one reassembler per sender (the media id in the header
 * says who sent a forwarded datagram), counts of complete frames per sender, JPEG decoding.
 * {@link #offer} runs on the video receive thread only; the counts may be read from anywhere.
 */
public final class VideoReceiver {
    /** Bounds the reassemblers a misbehaving relay could make us keep. */
    static final int MAX_SENDERS = 1024;

    /** Told about each complete frame; {@code image} is null when not decoding or undecodable. */
    public interface FrameListener {
        void onFrame(int mediaId, Reassembler.Frame frame, BufferedImage image);
    }

    private final Map<Integer, Reassembler> reassemblers = new HashMap<>();
    private final ConcurrentHashMap<Integer, LongAdder> framesByMediaId = new ConcurrentHashMap<>();
    private final AtomicLong decodeErrors = new AtomicLong();
    private final AtomicLong framesIncomplete = new AtomicLong();
    private final SequenceLoss loss = new SequenceLoss();
    private final boolean decode;
    private final DropCounts drops;
    private final FrameListener listener;
    /** NACKs and keyframe requests for these streams, or null when this receiver asks for nothing. */
    private final RecoveryRequests recovery;

    static {
        ImageIO.setUseCache(false); // decode in memory, never through temporary files
    }

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
        loss.offer(datagram, 0);
        Reassembler reassembler = reassemblers.get(mediaId);
        if (reassembler == null) {
            if (reassemblers.size() >= MAX_SENDERS) {
                drops.add(DropCounts.TOO_MANY_SENDERS);
                return;
            }
            reassembler = Reassembler.forVideo();
            reassemblers.put(mediaId, reassembler);
        }
        if (recovery != null) {
            recovery.onDatagram(mediaId, MediaHeader.sequence(datagram, 0), nowNanos);
        }
        long incompleteBefore = reassembler.framesDropped();
        Reassembler.Frame frame = reassembler.offer(datagram, 0, nowNanos);
        long incomplete = reassembler.framesDropped() - incompleteBefore;
        framesIncomplete.addAndGet(incomplete);
        if (recovery != null && incomplete > 0) {
            recovery.onFrameDropped(mediaId, nowNanos);
        }
        if (frame == null) {
            return;
        }
        if (recovery != null) {
            recovery.onFrame(mediaId, (frame.flags() & MediaHeader.FLAG_KEYFRAME) != 0, nowNanos);
        }
        framesByMediaId.computeIfAbsent(mediaId, id -> new LongAdder()).increment();
        BufferedImage image = null;
        if (decode) {
            image = decode(frame);
            if (image == null) {
                decodeErrors.incrementAndGet();
            }
        }
        listener.onFrame(mediaId, frame, image);
    }

    /** The decoder cannot go on with {@code mediaId}'s stream without a keyframe: one is asked for (coalesced). */
    public void keyframeNeeded(int mediaId, long nowNanos) {
        if (recovery != null) {
            recovery.keyframeNeeded(mediaId, nowNanos);
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

    private static BufferedImage decode(Reassembler.Frame frame) {
        if (frame.codec() != Codec.JPEG) {
            return null;
        }
        try {
            return ImageIO.read(new ByteArrayInputStream(frame.data()));
        } catch (IOException | RuntimeException e) {
            return null; // ImageIO signals corrupt input either way; the caller counts it
        }
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
