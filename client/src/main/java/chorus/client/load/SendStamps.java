package chorus.client.load;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each recent datagram of one sender's stream left, by sequence number, so a receiver in the
 * same process measures one-way latency without writing into the payload (the payload is real
 * encoder output). A ring: the sender thread writes, the receiver thread reads; an entry
 * overwritten by a later sequence reads as unknown. Each entry packs the sequence's low 20 bits,
 * the phase bit and 43 bits of nanoseconds since the ring's epoch (2.4 hours).
 */
final class SendStamps {
    static final long UNKNOWN = -1;
    private static final int NANOS_BITS = 43;
    private static final long NANOS_MASK = (1L << NANOS_BITS) - 1;
    private static final long SEQUENCE_MASK = (1L << 20) - 1;

    private final AtomicLongArray ring;
    private final int mask;
    private final long epoch;

    /** @param capacity a power of two: how many sequences back a lookup can reach */
    SendStamps(int capacity, long epochNanos) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, was " + capacity);
        }
        this.ring = new AtomicLongArray(capacity);
        this.mask = capacity - 1;
        this.epoch = epochNanos;
        for (int i = 0; i < capacity; i++) {
            ring.set(i, -1);
        }
    }

    void record(long sequence, boolean measured, long sentNanos) {
        long entry = (sequence & SEQUENCE_MASK) << (NANOS_BITS + 1) | (measured ? 1L << NANOS_BITS : 0)
                | ((sentNanos - epoch) & NANOS_MASK);
        ring.lazySet((int) (sequence & mask), entry);
    }

    /**
     * The entry for {@code sequence}, read once; {@link #UNKNOWN} when it was never sent or is no
     * longer held. Read it with {@link #sentAt} and {@link #measured}.
     */
    long entry(long sequence) {
        long entry = ring.get((int) (sequence & mask));
        return entry == -1 || (entry >>> (NANOS_BITS + 1)) != (sequence & SEQUENCE_MASK) ? UNKNOWN : entry;
    }

    /** When the entry's datagram left ({@link System#nanoTime()}). */
    long sentAt(long entry) {
        return epoch + (entry & NANOS_MASK);
    }

    /** Whether the entry's datagram was sent in the measured phase. */
    static boolean measured(long entry) {
        return (entry & (1L << NANOS_BITS)) != 0;
    }
}
