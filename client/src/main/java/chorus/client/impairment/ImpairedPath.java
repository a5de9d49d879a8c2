package chorus.client.impairment;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fate of each datagram on one direction of one client's path: lost, or delivered after how
 * long. Draws from its own seeded generator in arrival order, so the n-th datagram meets the same
 * fate on every run. Not thread-safe: one receive thread decides for a path.
 */
public final class ImpairedPath {
    /** Returned by {@link #fate} for a datagram that is lost. */
    public static final long LOST = -1;

    private final Impairment impairment;
    private final Random random;
    private boolean bad;
    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong reordered = new AtomicLong();

    public ImpairedPath(Impairment impairment, long seed) {
        this.impairment = impairment;
        this.random = new Random(seed);
    }

    public ImpairedPath(Impairment impairment) {
        this(impairment, impairment.seed());
    }

    /** {@link #LOST}, or the nanoseconds the next datagram waits before it is delivered. */
    public long fate() {
        if (lose()) {
            lost.incrementAndGet();
            return LOST;
        }
        passed.incrementAndGet();
        long wait = impairment.delay().toNanos();
        long jitter = impairment.jitter().toNanos();
        if (jitter > 0) {
            wait += (long) (random.nextDouble() * jitter);
        }
        if (impairment.reorderRate() > 0 && random.nextDouble() < impairment.reorderRate()) {
            reordered.incrementAndGet();
            wait += impairment.reorderDelay().toNanos();
        }
        return wait;
    }

    private boolean lose() {
        GilbertElliott burst = impairment.burst();
        if (burst == null) {
            return impairment.lossRate() > 0 && random.nextDouble() < impairment.lossRate();
        }
        boolean lost = random.nextDouble() < (bad ? burst.lossInBad() : burst.lossInGood());
        bad = bad ? random.nextDouble() >= burst.badToGood() : random.nextDouble() < burst.goodToBad();
        return lost;
    }

    public long passed() {
        return passed.get();
    }

    public long lost() {
        return lost.get();
    }

    /** Datagrams held back so that later ones overtake them. */
    public long reordered() {
        return reordered.get();
    }
}
