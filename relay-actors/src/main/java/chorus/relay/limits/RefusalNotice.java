package chorus.relay.limits;

/**
 * Refusals of one kind to one client, counted each time and told at most once per interval: a
 * client flooding a rate-limited request gets a few errors naming how many were refused, not one
 * per request (which would fill its own outbox and cost the relay as much as the requests). One
 * actor's: not thread-safe.
 */
public final class RefusalNotice {
    private final long everyNanos;
    private long refused;
    private long toldNanos;

    public RefusalNotice(long everyNanos, long nowNanos) {
        this.everyNanos = everyNanos;
        this.toldNanos = nowNanos - everyNanos;
    }

    /**
     * One more refusal at {@code nowNanos}.
     *
     * @return the refusals to tell the client of now (this one included), or 0 when it was told within the interval
     */
    public long refuse(long nowNanos) {
        refused++;
        if (nowNanos - toldNanos < everyNanos) {
            return 0;
        }
        long tell = refused;
        refused = 0;
        toldNanos = nowNanos;
        return tell;
    }
}
