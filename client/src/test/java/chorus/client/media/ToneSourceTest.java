package chorus.client.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.Tones;
import org.junit.jupiter.api.Test;

class ToneSourceTest {

    @Test
    void toneHasItsFrequencyAtAQuarterOfFullScale() {
        ToneSource tone = new ToneSource(440);
        short[] frame = tone.nextFrame();
        assertEquals(AudioFormat.FRAME_SAMPLES, frame.length);
        assertEquals(ToneSource.AMPLITUDE, Tones.amplitude(frame, 440), 0.005);
        assertTrue(Tones.amplitude(frame, 1000) < 0.01, "nothing at other frequencies");
    }

    @Test
    void framesJoinWithoutAPhaseJump() {
        ToneSource tone = new ToneSource(523.25); // not a whole number of cycles per frame
        int frames = 50;
        short[] joined = new short[frames * AudioFormat.FRAME_SAMPLES];
        for (int i = 0; i < frames; i++) {
            System.arraycopy(tone.nextFrame(), 0, joined, i * AudioFormat.FRAME_SAMPLES, AudioFormat.FRAME_SAMPLES);
        }
        short[] reference = Tones.sine(523.25, ToneSource.AMPLITUDE, 0, joined.length);
        for (int i = 0; i < joined.length; i++) {
            assertTrue(Math.abs(joined[i] - reference[i]) <= 1, "sample " + i + " off the continuous sine");
        }
        // Across a frame boundary the tone is as strong as within a frame: no click.
        int boundary = 10 * AudioFormat.FRAME_SAMPLES;
        assertEquals(ToneSource.AMPLITUDE, Tones.amplitude(joined, boundary - 480, boundary + 480, 523.25), 0.005);
    }

    @Test
    void frequencyMustBeAudible() {
        assertThrows(IllegalArgumentException.class, () -> new ToneSource(0));
        assertThrows(IllegalArgumentException.class, () -> new ToneSource(24_000));
    }
}
