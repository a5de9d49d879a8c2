package chorus.client.impairment;

import java.time.Duration;

/**
 * What one direction of an {@link ImpairmentProxy} does to the datagrams it carries, netem-style:
 * loses a share of them (independently, or in bursts when {@code burst} is set), holds some back
 * so later ones overtake them (reordering), delays all by {@code delay} plus a uniform random
 * {@code jitter}. All draws come from a generator seeded with {@code seed}: the same datagrams
 * meet the same fate on every run. At most {@code maxQueued} datagrams wait to be delivered; more
 * are dropped and counted.
 *
 * @param lossRate     independent loss probability per datagram (0..1), used when {@code burst} is null
 * @param burst        Gilbert-Elliott burst loss instead of independent loss, or null
 * @param reorderRate  probability a datagram is held back by {@code reorderDelay} (0..1)
 * @param reorderDelay how long a reordered datagram is held back, on top of the delay
 */
public record Impairment(double lossRate, GilbertElliott burst, double reorderRate, Duration reorderDelay,
                         Duration delay, Duration jitter, long seed, int maxQueued) {
    public static final int DEFAULT_MAX_QUEUED = 4096;
    /** Passes everything at once, in order. */
    public static final Impairment NONE = new Impairment(0, null, 0, Duration.ofMillis(10), Duration.ZERO,
            Duration.ZERO, 1, DEFAULT_MAX_QUEUED);

    public Impairment {
        if (!(lossRate >= 0 && lossRate <= 1) || !(reorderRate >= 0 && reorderRate <= 1)) {
            throw new IllegalArgumentException("loss and reorder rates are probabilities (0..1)");
        }
        if (reorderDelay == null || delay == null || jitter == null || reorderDelay.isNegative() || delay.isNegative()
                || jitter.isNegative()) {
            throw new IllegalArgumentException("delays must be zero or positive");
        }
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued must be at least 1");
        }
    }

    /** Independent loss of {@code rate} of the datagrams, nothing else. */
    public static Impairment loss(double rate, long seed) {
        return NONE.withLoss(rate).withSeed(seed);
    }

    public Impairment withLoss(double rate) {
        return new Impairment(rate, null, reorderRate, reorderDelay, delay, jitter, seed, maxQueued);
    }

    public Impairment withBurst(GilbertElliott burst) {
        return new Impairment(lossRate, burst, reorderRate, reorderDelay, delay, jitter, seed, maxQueued);
    }

    public Impairment withReordering(double rate, Duration heldBack) {
        return new Impairment(lossRate, burst, rate, heldBack, delay, jitter, seed, maxQueued);
    }

    public Impairment withDelay(Duration delay, Duration jitter) {
        return new Impairment(lossRate, burst, reorderRate, reorderDelay, delay, jitter, seed, maxQueued);
    }

    public Impairment withSeed(long seed) {
        return new Impairment(lossRate, burst, reorderRate, reorderDelay, delay, jitter, seed, maxQueued);
    }

    public Impairment withMaxQueued(int maxQueued) {
        return new Impairment(lossRate, burst, reorderRate, reorderDelay, delay, jitter, seed, maxQueued);
    }

    /** True when datagrams pass at once and in order (no delay, jitter or reordering): no queue needed. */
    boolean immediate() {
        return delay.isZero() && jitter.isZero() && reorderRate == 0;
    }
}
