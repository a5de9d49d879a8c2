package chorus.client.device;

import chorus.client.media.AudioSink;
import chorus.protocol.audio.AudioFormat;
import java.io.Closeable;
import java.util.concurrent.atomic.AtomicLong;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;

/**
 * Plays the call's audio on the default speaker through javax.sound. Optional: where there is no
 * sound card {@link #open()} fails with a clear message and the caller carries on without it.
 * Never blocks the media clock: a frame that does not fit into the line's buffer is dropped and counted.
 */
public final class SpeakerSink implements AudioSink, Closeable {
    /** 48 kHz, 16-bit, mono, signed, little-endian: the wire format, so no conversion. */
    public static final javax.sound.sampled.AudioFormat LINE_FORMAT = new javax.sound.sampled.AudioFormat(
            AudioFormat.SAMPLE_RATE, 16, AudioFormat.CHANNELS, true, false);
    /** Enough line buffer for a few frames of scheduling jitter; more only adds delay. */
    private static final int LINE_BUFFER_BYTES = 6 * AudioFormat.FRAME_BYTES;

    private final SourceDataLine line;
    private final byte[] bytes = new byte[AudioFormat.FRAME_BYTES];
    private final AtomicLong framesDropped = new AtomicLong();

    private SpeakerSink(SourceDataLine line) {
        this.line = line;
    }

    public static SpeakerSink open() throws AudioOutputUnavailableException {
        try {
            SourceDataLine line = AudioSystem.getSourceDataLine(LINE_FORMAT);
            line.open(LINE_FORMAT, LINE_BUFFER_BYTES);
            line.start();
            return new SpeakerSink(line);
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new AudioOutputUnavailableException(
                    "no audio output for 48 kHz mono 16-bit PCM (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void play(short[] frame, Origin origin) {
        AudioFormat.toBytes(frame, bytes);
        if (line.available() < bytes.length) {
            framesDropped.incrementAndGet();
            return;
        }
        line.write(bytes, 0, bytes.length);
    }

    public long framesDropped() {
        return framesDropped.get();
    }

    @Override
    public void close() {
        line.stop();
        line.close();
    }
}
