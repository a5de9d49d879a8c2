package chorus.relay.control;

/**
 * A token bucket: {@code rate} tokens a second, at most {@code burst} held; each message takes
 * one. Time comes from the caller, so a test can drive it. One per connection, used on its actor
 * only (not thread-safe). Written here rather than taken from a library: the one kept library
 * that resolves here (resilience4j's RateLimiter) counts permits per fixed period, which lets
 * twice the rate through across a period boundary, and brings a scheduler this does not need.
 */
final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    TokenBucket(double ratePerSecond, int burst, long nowNanos) {
        this.perNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Takes a token if one is there. */
    boolean tryTake(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * perNano);
        lastNanos = nowNanos;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
