package chorus.client.device;

import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.media.AudioSink;
import chorus.protocol.audio.AudioFormat;
import org.junit.jupiter.api.Test;

class SpeakerSinkTest {

    @Test
    void speakersEitherPlayOrFailWithAClearMessage() {
        try (SpeakerSink speakers = SpeakerSink.open()) {
            speakers.play(new short[AudioFormat.FRAME_SAMPLES], AudioSink.Origin.SILENCE); // a machine with a sound card
        } catch (AudioOutputUnavailableException e) {
            assertTrue(e.getMessage().startsWith("no audio output for 48 kHz mono 16-bit PCM ("), e.getMessage());
        }
    }
}
