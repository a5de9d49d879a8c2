package chorus.client.device;

import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Line;
import javax.sound.sampled.Mixer;

/** What javax.sound offers for the wire format (48 kHz, mono, 16-bit): capture and playback mixers. */
final class SoundDevices {
    /** 48 kHz, 16-bit, mono, signed, little-endian: the wire format, so nothing is converted. */
    static final AudioFormat FORMAT = SpeakerSink.LINE_FORMAT;
    static final String DEFAULT_ID = "default";
    static final String MIXER = "mixer:";

    private SoundDevices() {
    }

    /** Mixers that can give (capture) or take (playback) lines of the wire format, by name. */
    static List<Mixer.Info> mixers(Class<? extends Line> lineType) {
        DataLine.Info wanted = new DataLine.Info(lineType, FORMAT);
        List<Mixer.Info> found = new ArrayList<>();
        try {
            for (Mixer.Info info : AudioSystem.getMixerInfo()) {
                if (AudioSystem.getMixer(info).isLineSupported(wanted)) {
                    found.add(info);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            return List.of(); // a sound system that cannot even be listed has nothing to offer
        }
        return found;
    }

    static Mixer.Info mixer(Class<? extends Line> lineType, String name) {
        for (Mixer.Info info : mixers(lineType)) {
            if (info.getName().equals(name)) {
                return info;
            }
        }
        return null;
    }
}
