package chorus.client.load;

/**
 * Counts durations in 1 µs buckets from 0 up to {@link #LIMIT_MICROS}; longer ones are counted as
 * overflow (with the longest kept exactly). Fixed memory, no allocation per sample. Not
 * thread-safe: one recording thread, read once it has stopped.
 */
final class LatencyHistogram {
    /** 100 ms: a forwarded datagram later than this is as good as lost for a call. */
    static final int LIMIT_MICROS = 100_000;

    private final long[] counts = new long[LIMIT_MICROS];
    private long samples;
    private long overflow;
    private long maxMicros;

    void recordNanos(long nanos) {
        recordMicros(nanos / 1_000);
    }

    void recordMicros(long micros) {
        long us = Math.max(0, micros);
        samples++;
        if (us > maxMicros) {
            maxMicros = us;
        }
        if (us >= LIMIT_MICROS) {
            overflow++;
        } else {
            counts[(int) us]++;
        }
    }

    long samples() {
        return samples;
    }

    long overflow() {
        return overflow;
    }

    long maxMicros() {
        return maxMicros;
    }

    /**
     * The nearest-rank percentile: the smallest recorded value (µs, truncated) such that at least
     * {@code quantile} of all samples are at or below it. Null when there are no samples or when it
     * lies beyond {@link #LIMIT_MICROS}: then only "more than 100 ms" is known, never a number.
     */
    Long percentileMicros(double quantile) {
        if (!(quantile > 0 && quantile <= 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1], was " + quantile);
        }
        if (samples == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * samples - 1e-9));
        long seen = 0;
        for (int us = 0; us < LIMIT_MICROS; us++) {
            seen += counts[us];
            if (seen >= rank) {
                return (long) us;
            }
        }
        return null;
    }
}
