package chorus.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
    void latenciesPastOneHundredMillisecondsAreReportedAsFigures() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 98; i++) {
            h.recordMicros(10);
        }
        h.recordMicros(LatencyHistogram.LIMIT_MICROS + 5);
        h.recordMicros(250_000);
        assertEquals(10L, h.percentileMicros(0.98));
        assertNotNull(h.percentileMicros(0.99), "a latency past 100 ms is a figure");
        // past 2 ms a value is kept to three significant digits (HdrHistogram): within 0.1%
        assertEquals(100_005, h.percentileMicros(0.99), 100.0, "p99 is the 100.005 ms sample, not unknown");
        assertEquals(250_000, h.percentileMicros(1.0), 250.0);
        assertEquals(2, h.overflow(), "both still counted as over the 100 ms limit");
        assertEquals(250_000, h.maxMicros(), "the longest exactly");
    }

    @Test
    void aQueueThatGrowsForSecondsShowsInEveryPercentile() {
        LatencyHistogram h = new LatencyHistogram();
        for (long us = 1; us <= 10_000; us++) {
            h.recordMicros(us * 1_000); // 1 ms .. 10 s, as a backlog that keeps growing
        }
        assertEquals(5_000_000, h.percentileMicros(0.50), 5_000.0);
        assertEquals(9_900_000, h.percentileMicros(0.99), 9_900.0);
        assertEquals(9_990_000, h.percentileMicros(0.999), 9_990.0);
        assertEquals(10_000_000, h.maxMicros());
        assertEquals(10_000 - 99, h.overflow(), "from 100 ms on");
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
