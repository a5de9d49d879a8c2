package chorus.client.call;

import chorus.client.device.AudioPlayback;
import chorus.client.media.AudioSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Plays through whichever speaker is open; a failing speaker is dropped, never the playout clock. */
final class SpeakerOutput implements AudioSink {
    private static final Logger log = LoggerFactory.getLogger(SpeakerOutput.class);

    private volatile AudioPlayback playback;

    AudioPlayback swap(AudioPlayback next) {
        AudioPlayback old = playback;
        playback = next;
        return old;
    }

    boolean playing() {
        return playback != null;
    }

    @Override
    public void play(short[] frame, Origin origin) {
        AudioPlayback p = playback;
        if (p == null) {
            return;
        }
        try {
            p.play(frame, origin);
        } catch (RuntimeException e) {
            log.warn("speaker failed; playing nothing from now on: {}", e.toString());
            playback = null;
        }
    }
}
