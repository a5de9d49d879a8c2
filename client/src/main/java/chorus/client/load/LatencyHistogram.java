package chorus.client.load;

import org.HdrHistogram.Histogram;

/**
 * The load generator's latencies in microseconds: an HdrHistogram (three significant digits, so
 * exact to 2 ms and within 0.1% beyond, with no upper bound), plus the exact longest and a count
 * of those past {@link #LIMIT_MICROS}. No allocation per sample (the histogram grows only when a
 * sample exceeds its range so far). Not thread-safe: one recording thread, read once it has stopped.
 */
final class LatencyHistogram {
    /** 100 ms: a forwarded datagram later than this is as good as lost for a call; a step holds below it. */
    static final int LIMIT_MICROS = 100_000;

    private final Histogram histogram = new Histogram(3);
    private long overflow;
    private long maxMicros;

    void recordNanos(long nanos) {
        recordMicros(nanos / 1_000);
    }

    void recordMicros(long micros) {
        long us = Math.max(0, micros);
        histogram.recordValue(us);
        if (us > maxMicros) {
            maxMicros = us;
        }
        if (us >= LIMIT_MICROS) {
            overflow++;
        }
    }

    long samples() {
        return histogram.getTotalCount();
    }

    /** Samples at or past {@link #LIMIT_MICROS}. */
    long overflow() {
        return overflow;
    }

    long maxMicros() {
        return maxMicros;
    }

    /**
     * The value (µs) at or below which {@code quantile} of all samples fall, as HdrHistogram gives
     * it (the highest value of its bucket, never above the longest sample); null when there are no
     * samples.
     */
    Long percentileMicros(double quantile) {
        if (!(quantile > 0 && quantile <= 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1], was " + quantile);
        }
        if (histogram.getTotalCount() == 0) {
            return null;
        }
        return Math.min(maxMicros, histogram.getValueAtPercentile(quantile * 100));
    }
}
