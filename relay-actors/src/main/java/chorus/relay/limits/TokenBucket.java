package chorus.relay.limits;

/**
 * A token bucket: refills at {@code perSecond} up to {@code burst}; each use takes what it costs
 * (one chat message, a datagram's bytes). Time comes from the caller, so tests drive it. Not
 * thread-safe: one per participant and resource, used by one thread or actor.
 *
 * <p>Written here rather than taken from a library: the one kept library that resolves here
 * (resilience4j's RateLimiter) counts permits per fixed period, which lets twice the rate through
 * across a period boundary, and brings a scheduler this does not need.
 */
public final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    /** A full bucket at {@code nowNanos}. */
    public TokenBucket(double perSecond, double burst, long nowNanos) {
        if (!(perSecond > 0) || !(burst >= 1)) {
            throw new IllegalArgumentException("a token bucket needs a positive rate and a burst of at least 1, not "
                    + perSecond + "/s and " + burst);
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Takes {@code cost} if the bucket holds it; false, and nothing taken, when over the limit. */
    public boolean take(double cost, long nowNanos) {
        if (!holds(cost, nowNanos)) {
            return false;
        }
        tokens -= cost;
        return true;
    }

    /** Whether {@code cost} could be taken now (refilling first); takes nothing. */
    public boolean holds(double cost, long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perNano);
            lastNanos = nowNanos;
        }
        return tokens >= cost;
    }
}
