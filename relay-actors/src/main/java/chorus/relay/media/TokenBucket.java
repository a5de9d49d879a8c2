package chorus.relay.media;

/**
 * A byte budget that refills at a fixed rate up to a burst: one participant's media rate limit
 * on one port. Touched only by that port's receive thread.
 */
final class TokenBucket {
    private final long bytesPerSecond;
    private final long burst;
    private long tokens;
    private long lastNanos;

    TokenBucket(long bytesPerSecond, long burst, long nowNanos) {
        this.bytesPerSecond = bytesPerSecond;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Takes {@code bytes} if the bucket holds them; false (and nothing taken) when over the limit. */
    boolean take(int bytes, long nowNanos) {
        if (!holds(bytes, nowNanos)) {
            return false;
        }
        tokens -= bytes;
        return true;
    }

    /** Whether {@code bytes} could be taken now (refilling first); takes nothing. */
    boolean holds(int bytes, long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            // whole bytes only; the remainder of the interval stays for the next refill
            long refill = elapsed >= 1_000_000_000L ? burst : elapsed * bytesPerSecond / 1_000_000_000L;
            if (refill > 0) {
                tokens = Math.min(burst, tokens + refill);
                lastNanos = refill == burst ? nowNanos : lastNanos + refill * 1_000_000_000L / bytesPerSecond;
            }
        }
        return tokens >= bytes;
    }
}
