package chorus.client.media;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.JitterBuffer;
import chorus.protocol.audio.OpusFormat;
import chorus.protocol.audio.OpusFrameDecoder;
import chorus.protocol.audio.PlayoutQueue;
import chorus.protocol.media.Codec;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.Reassembler;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving half of a client's audio: rebuilds the relay's mixed frames, smooths them in a
 * playout queue, and on every 20 ms tick of the playout clock decodes the next one by its codec
 * (Opus or PCM) and hands it (received, concealed or silence) to each sink. A lost frame is
 * concealed as its codec does best (Opus packet-loss concealment, else a fading mirror); a frame
 * that does not decode is dropped, counted and concealed. Datagrams arrive on the audio receive
 * thread, ticks (and decoding) on the media clock.
 */
public final class AudioPlayout {
    private static final Logger log = LoggerFactory.getLogger(AudioPlayout.class);
    /** The relay's mix is sent with media id 0: it is nobody's stream. */
    public static final int MIX_MEDIA_ID = 0;
    /** 60 ms before playout starts; up to 500 ms held before skipping ahead. */
    static final int JITTER_TARGET_FRAMES = 3;
    static final int JITTER_MAX_FRAMES = 25;
    private static final short[] SILENCE = new short[AudioFormat.FRAME_SAMPLES];

    private final Reassembler reassembler = Reassembler.forAudio(); // audio receive thread only
    /** Encoded frames in playout order; decoded on the tick, in order, as Opus needs. Guarded by itself. */
    private final PlayoutQueue<Reassembler.Frame> queue = new PlayoutQueue<>(JITTER_TARGET_FRAMES, JITTER_MAX_FRAMES);
    private final List<AudioSink> sinks = new CopyOnWriteArrayList<>();
    private final DropCounts drops;
    private final DoubleConsumer levelListener;
    // media clock thread only
    private final OpusFrameDecoder opus = new OpusFrameDecoder();
    private final short[] decoded = new short[AudioFormat.FRAME_SAMPLES];
    private int lastCodec = Codec.NONE;

    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong framesIncomplete = new AtomicLong();
    private final AtomicLong framesPlayed = new AtomicLong();
    private final AtomicLong framesConcealed = new AtomicLong();
    private final AtomicLong framesUndecodable = new AtomicLong();
    private final AtomicLong ticksSilent = new AtomicLong();
    private final AtomicLong framesLate = new AtomicLong();
    private volatile double level;

    public AudioPlayout(DropCounts drops, DoubleConsumer levelListener) {
        this.drops = drops;
        this.levelListener = levelListener;
    }

    /** One validated audio datagram from the relay; on the audio receive thread. */
    public void offer(ByteBuffer datagram, long nowNanos) {
        if (MediaHeader.mediaId(datagram, 0) != MIX_MEDIA_ID) {
            drops.add(DropReason.UNKNOWN_MEDIA_ID);
            return;
        }
        long incompleteBefore = reassembler.framesDropped();
        Reassembler.Frame frame = reassembler.offer(datagram, 0, nowNanos);
        framesIncomplete.addAndGet(reassembler.framesDropped() - incompleteBefore);
        if (frame == null) {
            return;
        }
        boolean plausible = frame.codec() == Codec.PCM16 ? frame.data().length == AudioFormat.FRAME_BYTES
                : frame.codec() == Codec.OPUS && frame.data().length >= 1
                && frame.data().length <= OpusFormat.MAX_PACKET_BYTES;
        if (!plausible) {
            drops.add(DropCounts.BAD_AUDIO_FRAME);
            return;
        }
        framesReceived.incrementAndGet();
        boolean accepted;
        synchronized (queue) {
            accepted = queue.push(frame.frameId(), frame);
        }
        if (!accepted) {
            framesLate.incrementAndGet();
        }
    }

    /** One tick of the playout clock; on the media clock thread. */
    public void tick() {
        PlayoutQueue.Turn turn;
        Reassembler.Frame received;
        int missingRun;
        synchronized (queue) {
            turn = queue.pull();
            received = queue.frame();
            missingRun = queue.missingRun();
        }
        short[] frame = SILENCE;
        AudioSink.Origin origin = AudioSink.Origin.SILENCE;
        if (turn == PlayoutQueue.Turn.FRAME) {
            if (decode(received)) {
                frame = decoded;
                origin = AudioSink.Origin.RECEIVED;
            } else {
                drops.add(DropReason.UNDECODABLE);
                framesUndecodable.incrementAndGet();
                turn = PlayoutQueue.Turn.MISSING; // concealed like a lost frame
                missingRun = 1;
            }
        }
        if (turn == PlayoutQueue.Turn.MISSING && conceal(missingRun)) {
            frame = decoded;
            origin = AudioSink.Origin.CONCEALED;
        } else if (turn == PlayoutQueue.Turn.IDLE) {
            lastCodec = Codec.NONE;
        }
        if (frame == decoded) {
            frame = decoded.clone(); // a sink may keep what it is given; the decoder's buffer is reused
        }
        switch (origin) {
            case RECEIVED -> framesPlayed.incrementAndGet();
            case CONCEALED -> framesConcealed.incrementAndGet();
            default -> ticksSilent.incrementAndGet();
        }
        double rms = rms(frame);
        level = rms;
        levelListener.accept(rms);
        for (AudioSink sink : sinks) {
            try {
                sink.play(frame, origin);
            } catch (RuntimeException e) {
                // One broken sink must not silence the others or stop the clock; 50 errors a second help nobody.
                log.warn("audio sink {} failed and was removed", sink, e);
                sinks.remove(sink);
            }
        }
    }

    /** A received frame into {@code decoded}, by its codec; false when it does not decode. */
    private boolean decode(Reassembler.Frame f) {
        boolean ok;
        if (f.codec() == Codec.OPUS) {
            if ((f.flags() & MediaHeader.FLAG_KEYFRAME) != 0) {
                opus.reset(); // the relay switched this client to another mix's encoder
            }
            ok = opus.decode(f.data(), f.data().length, decoded);
        } else {
            AudioFormat.toSamples(f.data(), decoded);
            ok = true;
        }
        lastCodec = ok ? f.codec() : lastCodec;
        return ok;
    }

    /**
     * A lost frame into {@code decoded}: Opus packet-loss concealment after Opus, a fading mirror
     * of the last frame after PCM; false when nothing was played before it.
     */
    private boolean conceal(int run) {
        if (lastCodec == Codec.OPUS) {
            opus.conceal(decoded, run);
            return true;
        }
        if (lastCodec == Codec.PCM16) {
            short[] c = JitterBuffer.conceal(decoded, run);
            System.arraycopy(c, 0, decoded, 0, c.length);
            return true;
        }
        return false;
    }

    /** Root mean square, 0..1 of full scale. */
    public static double rms(short[] frame) {
        double sum = 0;
        for (short s : frame) {
            sum += (double) s * s;
        }
        return Math.sqrt(sum / frame.length) / 32768.0;
    }

    public void addSink(AudioSink sink) {
        sinks.add(sink);
    }

    public void removeSink(AudioSink sink) {
        sinks.remove(sink);
    }

    public long framesReceived() {
        return framesReceived.get();
    }

    long framesIncomplete() {
        return framesIncomplete.get();
    }

    public long framesPlayed() {
        return framesPlayed.get();
    }

    public long framesConcealed() {
        return framesConcealed.get();
    }

    /** Frames that arrived whole but did not decode (dropped, concealed like lost ones). */
    public long framesUndecodable() {
        return framesUndecodable.get();
    }

    public long ticksSilent() {
        return ticksSilent.get();
    }

    /** Frames the jitter buffer refused: too late for their turn, or duplicates. */
    public long framesLate() {
        return framesLate.get();
    }

    public double level() {
        return level;
    }
}
