package chorus.relay.media;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gaps in one local sender's stream as the relay receives it: what the sender's own path lost
 * before the relay, which no receiver's NACK can get back from the retransmission buffer. A gap
 * still open after a short reordering allowance is named for a NACK to the sender, again after a
 * retry interval, a bounded number of times; old gaps are given up. Driven by the stream's own
 * datagrams (a live stream keeps coming), so it needs no clock. Touched under its sender's video lock.
 */
final class UplinkGaps {
    static final long REORDER_NANOS = 10_000_000L;
    static final long RETRY_NANOS = 40_000_000L;
    static final int MAX_TRIES = 3;
    /** Under the receivers' reassembly timeout (500 ms), with room for the retransmission's way on. */
    static final long MAX_AGE_NANOS = 300_000_000L;
    static final int MAX_MISSING = 256;
    /** A forward jump this large is a restarted counter, not loss. */
    static final long MAX_GAP = 3_000;

    private boolean started;
    private long highest;
    private final LinkedHashMap<Long, long[]> missing = new LinkedHashMap<>(); // {first seen, last asked, tries}

    /**
     * The datagram with {@code sequence} arrived: notes a gap before it, crosses it off if it was
     * missing, and writes the sequences to NACK now into {@code due}.
     *
     * @return how many it wrote (at most {@code due.length})
     */
    int offer(long sequence, long nowNanos, long[] due) {
        if (!started) {
            started = true;
            highest = sequence;
            return 0;
        }
        long ahead = (int) (sequence - highest);
        if (ahead > MAX_GAP) {
            missing.clear();
            highest = sequence;
        } else if (ahead > 0) {
            for (long s = highest + 1; s != highest + ahead; s++) {
                if (missing.size() >= MAX_MISSING) {
                    Iterator<long[]> oldest = missing.values().iterator();
                    oldest.next();
                    oldest.remove();
                }
                missing.put(s & 0xFFFF_FFFFL, new long[] {nowNanos, 0, 0});
            }
            highest = sequence;
        } else {
            missing.remove(sequence);
        }
        return due(nowNanos, due);
    }

    private int due(long nowNanos, long[] due) {
        int n = 0;
        Iterator<Map.Entry<Long, long[]>> it = missing.entrySet().iterator();
        while (it.hasNext() && n < due.length) {
            Map.Entry<Long, long[]> e = it.next();
            long[] gap = e.getValue();
            if (nowNanos - gap[0] > MAX_AGE_NANOS || gap[2] >= MAX_TRIES) {
                it.remove();
            } else if (gap[2] == 0 ? nowNanos - gap[0] >= REORDER_NANOS : nowNanos - gap[1] >= RETRY_NANOS) {
                gap[1] = nowNanos;
                gap[2]++;
                due[n++] = e.getKey();
            }
        }
        return n;
    }
}
