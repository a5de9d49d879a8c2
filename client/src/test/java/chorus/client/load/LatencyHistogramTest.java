package chorus.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesOfOneToAThousandMicrosecondsAreTheNearestRanks() {
        LatencyHistogram h = new LatencyHistogram();
        for (int us = 1000; us >= 1; us--) {
            h.recordNanos(us * 1_000L + 999); // sub-microsecond part is truncated
        }
        assertEquals(1000, h.samples());
        assertEquals(500L, h.percentileMicros(0.50));
        assertEquals(990L, h.percentileMicros(0.99));
        assertEquals(999L, h.percentileMicros(0.999));
        assertEquals(1000L, h.percentileMicros(1.0));
        assertEquals(1000, h.maxMicros());
        assertEquals(0, h.overflow());
    }

    @Test
    void aSingleSampleIsEveryPercentile() {
        LatencyHistogram h = new LatencyHistogram();
        h.recordMicros(42);
        assertEquals(42L, h.percentileMicros(0.5));
        assertEquals(42L, h.percentileMicros(0.999));
    }

    @Test
    void percentilesPastTheLimitAreUnknownNotInvented() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 98; i++) {
            h.recordMicros(10);
        }
        h.recordMicros(LatencyHistogram.LIMIT_MICROS + 5);
        h.recordMicros(250_000);
        assertEquals(10L, h.percentileMicros(0.98));
        assertNull(h.percentileMicros(0.99));
        assertEquals(2, h.overflow());
        assertEquals(250_000, h.maxMicros());
    }

    @Test
    void noSamplesNoPercentiles() {
        assertNull(new LatencyHistogram().percentileMicros(0.5));
    }

    @Test
    void negativeDurationsCountAsZero() {
        LatencyHistogram h = new LatencyHistogram();
        h.recordNanos(-5_000);
        assertEquals(0L, h.percentileMicros(0.5));
    }
}
