package chorus.relay.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LimiterTest {
    @Test
    void aMixThatFitsPassesUntouched() {
        int[] sum = {100, -2000, 32767, -32768};
        short[] own = {50, 0, 0, 0};
        short[] out = new short[4];
        new Limiter().process(sum, own, out);
        assertEquals(50, out[0]);
        assertEquals(-2000, out[1]);
        assertEquals(32767, out[2]);
        assertEquals(-32768, out[3]);
    }

    @Test
    void aMixTenTimesFullScaleComesDownWithoutChangingSign() {
        Limiter limiter = new Limiter();
        int[] sum = new int[960];
        short[] out = new short[960];
        for (int frame = 0; frame < 5; frame++) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] = (int) (10 * 32000 * Math.sin(2 * Math.PI * 440 * (frame * 960 + i) / 48000.0));
            }
            limiter.process(sum, null, out);
            for (int i = 0; i < sum.length; i++) {
                if (Math.abs(sum[i]) > 1000) {
                    assertEquals(Integer.signum(sum[i]), Integer.signum(out[i]));
                }
            }
        }
        assertTrue(limiter.gain() < 0.11, "gain settles near 1/10: " + limiter.gain());
    }

    @Test
    void gainRecoversSlowlyOnceTheMixIsQuietAgain() {
        Limiter limiter = new Limiter();
        int[] loud = new int[960];
        java.util.Arrays.fill(loud, 65534);
        limiter.process(loud, null, new short[960]);
        double afterLoud = limiter.gain();
        limiter.process(new int[960], null, new short[960]);
        assertTrue(limiter.gain() > afterLoud && limiter.gain() < afterLoud + 0.05, "one step of release");
    }
}
