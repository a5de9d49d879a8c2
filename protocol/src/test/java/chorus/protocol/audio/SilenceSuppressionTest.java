package chorus.protocol.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SilenceSuppressionTest {
    private static final int VOICE = AudioLevel.VOICE_BIT | 20;
    private static final int QUIET = 70; // -70 dBov, no voice bit

    @Test
    void voiceAndTheHangoverAreSentThenOneFrameIn400Ms() {
        SilenceSuppression s = new SilenceSuppression();
        for (int i = 0; i < 10; i++) {
            assertTrue(s.send(VOICE));
        }
        for (int i = 1; i <= SilenceSuppression.HANGOVER_FRAMES; i++) {
            assertTrue(s.send(QUIET), "hangover frame " + i);
        }
        int sent = 0;
        for (int i = 0; i < 100; i++) {
            sent += s.send(QUIET) ? 1 : 0;
        }
        assertEquals(5, sent, "2 s of silence: one frame every 400 ms");
        assertTrue(s.send(VOICE), "voice again goes at once");
    }

    @Test
    void aStreamThatStartsSilentSendsItsFirstFrame() {
        SilenceSuppression s = new SilenceSuppression();
        assertTrue(s.send(AudioLevel.SILENCE));
        int sent = 0;
        for (int i = 0; i < SilenceSuppression.KEEPALIVE_FRAMES; i++) {
            sent += s.send(AudioLevel.SILENCE) ? 1 : 0;
        }
        assertEquals(1, sent);
    }
}
