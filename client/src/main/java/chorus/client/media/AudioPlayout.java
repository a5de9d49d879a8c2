package chorus.client.media;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.JitterBuffer;
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
 * jitter buffer, and on every 20 ms tick of the playout clock hands one frame (received, concealed
 * or silence) to each sink. Datagrams arrive on the audio receive thread, ticks on the media clock.
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
    private final JitterBuffer jitter = new JitterBuffer(JITTER_TARGET_FRAMES, JITTER_MAX_FRAMES); // guarded by itself
    private final List<AudioSink> sinks = new CopyOnWriteArrayList<>();
    private final DropCounts drops;
    private final DoubleConsumer levelListener;

    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong framesIncomplete = new AtomicLong();
    private final AtomicLong framesPlayed = new AtomicLong();
    private final AtomicLong framesConcealed = new AtomicLong();
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
        if (frame.codec() != Codec.PCM16 || frame.data().length != AudioFormat.FRAME_BYTES) {
            drops.add(DropCounts.BAD_AUDIO_FRAME);
            return;
        }
        framesReceived.incrementAndGet();
        short[] samples = AudioFormat.toSamples(frame.data());
        boolean accepted;
        synchronized (jitter) {
            accepted = jitter.push(frame.frameId(), samples);
        }
        if (!accepted) {
            framesLate.incrementAndGet();
        }
    }

    /** One tick of the playout clock; on the media clock thread. */
    public void tick() {
        short[] frame;
        boolean concealed;
        synchronized (jitter) {
            long concealedBefore = jitter.concealed();
            frame = jitter.pull();
            concealed = jitter.concealed() != concealedBefore;
        }
        AudioSink.Origin origin;
        if (frame == null) {
            frame = SILENCE;
            origin = AudioSink.Origin.SILENCE;
            ticksSilent.incrementAndGet();
        } else if (concealed) {
            origin = AudioSink.Origin.CONCEALED;
            framesConcealed.incrementAndGet();
        } else {
            origin = AudioSink.Origin.RECEIVED;
            framesPlayed.incrementAndGet();
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
