package chorus.client.device;

import chorus.protocol.audio.AudioFormat;
import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;

/** The speakers javax.sound offers for 48 kHz mono 16-bit playback, and opening one. */
public final class Speakers {
    /** The id of choosing to play nothing. */
    public static final String NONE_ID = "none";
    /** Enough line buffer for a few frames of scheduling jitter; more only adds delay. */
    static final int LINE_BUFFER_BYTES = 6 * AudioFormat.FRAME_BYTES;

    private Speakers() {
    }

    /** The system default first, then each playback mixer; empty when the system cannot play at all. */
    public static List<MediaDevice<AudioPlayback>> list() {
        List<Mixer.Info> mixers = SoundDevices.mixers(SourceDataLine.class);
        List<MediaDevice<AudioPlayback>> out = new ArrayList<>();
        if (mixers.isEmpty()) {
            return out;
        }
        out.add(systemDefault());
        for (Mixer.Info info : mixers) {
            out.add(new Speaker(SoundDevices.MIXER + info.getName(), info.getName(), info));
        }
        return out;
    }

    /** The device remembered as {@code id}; null for {@link #NONE_ID}; unknown ids fall back to the default. */
    public static MediaDevice<AudioPlayback> byId(String id) {
        if (NONE_ID.equals(id)) {
            return null;
        }
        if (id != null && id.startsWith(SoundDevices.MIXER)) {
            String name = id.substring(SoundDevices.MIXER.length());
            return new Speaker(id, name, SoundDevices.mixer(SourceDataLine.class, name));
        }
        return systemDefault();
    }

    public static MediaDevice<AudioPlayback> systemDefault() {
        return new Speaker(SoundDevices.DEFAULT_ID, "System default speaker", null);
    }

    private record Speaker(String id, String label, Mixer.Info mixer) implements MediaDevice<AudioPlayback> {
        @Override
        public AudioPlayback open() throws DeviceUnavailableException {
            if (mixer == null && !id.equals(SoundDevices.DEFAULT_ID)) {
                throw new DeviceUnavailableException("The speaker " + label + " is not connected: you will not hear the call.");
            }
            if (SoundDevices.mixers(SourceDataLine.class).isEmpty()) {
                throw new DeviceUnavailableException("No speaker found: the sound system offers no playback device "
                        + "for 48 kHz mono audio, so you will not hear the call.");
            }
            SourceDataLine line;
            try {
                line = mixer == null ? AudioSystem.getSourceDataLine(SoundDevices.FORMAT)
                        : AudioSystem.getSourceDataLine(SoundDevices.FORMAT, mixer);
                line.open(SoundDevices.FORMAT, LINE_BUFFER_BYTES);
                line.start();
            } catch (LineUnavailableException e) {
                throw new DeviceUnavailableException("The speaker " + label + " is busy or unavailable ("
                        + e.getMessage() + "): you will not hear the call.", e);
            } catch (IllegalArgumentException | SecurityException e) {
                throw new DeviceUnavailableException("The speaker " + label + " cannot play 48 kHz mono audio ("
                        + e.getMessage() + "): you will not hear the call.", e);
            }
            return new SpeakerPlayback(line);
        }
    }

    /** An open playback line; a frame that does not fit in its buffer is dropped, never waited for. */
    static final class SpeakerPlayback implements AudioPlayback {
        private final SourceDataLine line;
        private final byte[] bytes = new byte[AudioFormat.FRAME_BYTES];

        SpeakerPlayback(SourceDataLine line) {
            this.line = line;
        }

        @Override
        public void play(short[] frame, Origin origin) {
            AudioFormat.toBytes(frame, bytes);
            if (line.available() >= bytes.length) {
                line.write(bytes, 0, bytes.length);
            }
        }

        @Override
        public void close() {
            line.stop();
            line.close();
        }
    }
}
