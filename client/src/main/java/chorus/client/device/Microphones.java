package chorus.client.device;

import chorus.protocol.audio.AudioFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.TargetDataLine;

/** The microphones javax.sound offers for 48 kHz mono 16-bit capture, and opening one. */
public final class Microphones {
    private Microphones() {
    }

    /** The system default first, then each capture mixer; empty when the system has no capture at all. */
    public static List<MediaDevice<AudioCapture>> list() {
        List<Mixer.Info> mixers = SoundDevices.mixers(TargetDataLine.class);
        List<MediaDevice<AudioCapture>> out = new ArrayList<>();
        if (mixers.isEmpty()) {
            return out;
        }
        out.add(systemDefault());
        for (Mixer.Info info : mixers) {
            out.add(new Microphone(SoundDevices.MIXER + info.getName(), info.getName(), info));
        }
        return out;
    }

    /** The device remembered as {@code id}; unknown ids fall back to the system default. */
    public static MediaDevice<AudioCapture> byId(String id) {
        if (TestSources.ID.equals(id)) {
            return TestSources.tone();
        }
        if (id != null && id.startsWith(SoundDevices.MIXER)) {
            String name = id.substring(SoundDevices.MIXER.length());
            return new Microphone(id, name, SoundDevices.mixer(TargetDataLine.class, name));
        }
        return systemDefault();
    }

    /** The system's default microphone; opening it says clearly when there is none. */
    public static MediaDevice<AudioCapture> systemDefault() {
        return new Microphone(SoundDevices.DEFAULT_ID, "System default microphone", null);
    }

    /** A capture mixer, or the system default when {@code mixer} is null and the id is the default's. */
    private record Microphone(String id, String label, Mixer.Info mixer) implements MediaDevice<AudioCapture> {
        @Override
        public AudioCapture open() throws DeviceUnavailableException {
            if (mixer == null && !id.equals(SoundDevices.DEFAULT_ID)) {
                throw new DeviceUnavailableException("The microphone " + label + " is not connected.");
            }
            if (SoundDevices.mixers(TargetDataLine.class).isEmpty()) {
                throw new DeviceUnavailableException("No microphone found: the sound system offers no capture "
                        + "device for 48 kHz mono audio. Choose the test tone in Settings to send sound anyway.");
            }
            TargetDataLine line;
            try {
                line = mixer == null ? AudioSystem.getTargetDataLine(SoundDevices.FORMAT)
                        : AudioSystem.getTargetDataLine(SoundDevices.FORMAT, mixer);
                line.open(SoundDevices.FORMAT, MicrophoneCapture.LINE_BUFFER_BYTES);
                line.start();
            } catch (LineUnavailableException e) {
                throw new DeviceUnavailableException("The microphone " + label
                        + " is busy or unavailable (" + e.getMessage() + ").", e);
            } catch (IllegalArgumentException | SecurityException e) {
                throw new DeviceUnavailableException("The microphone " + label + " cannot record 48 kHz mono audio ("
                        + e.getMessage() + ").", e);
            }
            return new MicrophoneCapture(line);
        }
    }

    /**
     * An open microphone line, read once per 20 ms tick without blocking: what has arrived, padded
     * with silence if the device is late, and the oldest audio skipped if it is ahead, so the delay
     * stays under {@link #MAX_QUEUED_FRAMES} frames whatever the two clocks do.
     */
    static final class MicrophoneCapture implements AudioCapture {
        static final int LINE_BUFFER_BYTES = 10 * AudioFormat.FRAME_BYTES;
        static final int MAX_QUEUED_FRAMES = 4;

        private final TargetDataLine line;
        private final byte[] bytes = new byte[AudioFormat.FRAME_BYTES];
        private final byte[] discard = new byte[LINE_BUFFER_BYTES];
        private final AtomicLong underruns = new AtomicLong();
        private final AtomicLong framesSkipped = new AtomicLong();

        MicrophoneCapture(TargetDataLine line) {
            this.line = line;
        }

        @Override
        public void read(short[] frame) {
            int available = line.available();
            int excess = available - MAX_QUEUED_FRAMES * AudioFormat.FRAME_BYTES;
            if (excess > 0) {
                int skip = excess - excess % AudioFormat.FRAME_BYTES + AudioFormat.FRAME_BYTES;
                line.read(discard, 0, Math.min(skip, discard.length));
                framesSkipped.addAndGet(skip / AudioFormat.FRAME_BYTES);
                available = line.available();
            }
            int n = Math.min(available, AudioFormat.FRAME_BYTES) & ~1; // whole samples only
            int read = n > 0 ? line.read(bytes, 0, n) : 0;
            if (read < AudioFormat.FRAME_BYTES) {
                Arrays.fill(bytes, Math.max(0, read), AudioFormat.FRAME_BYTES, (byte) 0);
                underruns.incrementAndGet();
            }
            AudioFormat.toSamples(bytes, frame);
        }

        long underruns() {
            return underruns.get();
        }

        long framesSkipped() {
            return framesSkipped.get();
        }

        @Override
        public void close() {
            line.stop();
            line.close();
        }
    }
}
