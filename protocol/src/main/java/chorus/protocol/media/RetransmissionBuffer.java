package chorus.protocol.media;

import java.nio.ByteBuffer;

/**
 * The clear datagrams of one stream (a media id and VIDEO or SCREEN) sent or forwarded lately, for
 * answering NACKs (the relay keeps what it forwarded, a client what it sent): the newest ones within {@code maxAge}, at most {@code maxDatagrams}
 * of them and {@code maxBytes} in all, whichever bound comes first (the oldest go). The bytes live
 * in one ring allocated on the first datagram, so a sender cannot make the relay hold more than
 * the bounds, however it sends. Looked up by the sender's 32-bit sequence, wrap-around included.
 *
 * <p>Not thread-safe: one thread, or its owner's lock, at a time (the relay's video receive thread
 * forwards and answers NACKs). {@link #lastStoredNanos} may be read anywhere.
 */
public final class RetransmissionBuffer {
    private final long maxAgeNanos;
    private final int maxBytes;
    private final long[] sequences;
    private final long[] storedAt;
    private final int[] offsets;
    private final int[] lengths;
    private byte[] ring;
    /** Entries are a FIFO over the slot arrays: the oldest at {@code first}, {@code count} of them. */
    private int first;
    private int count;
    /** Bytes held; they run from {@code ringStart} round the ring for {@code bytes}. */
    private int ringStart;
    private int bytes;
    private volatile long lastStoredNanos;

    public RetransmissionBuffer(long maxAgeNanos, int maxDatagrams, int maxBytes) {
        if (maxAgeNanos <= 0 || maxDatagrams < 1 || maxBytes < MediaHeader.MAX_DATAGRAM) {
            throw new IllegalArgumentException("a retransmission buffer needs a positive age, at least one datagram "
                    + "and room for the largest datagram (" + MediaHeader.MAX_DATAGRAM + " bytes)");
        }
        this.maxAgeNanos = maxAgeNanos;
        this.maxBytes = maxBytes;
        this.sequences = new long[maxDatagrams];
        this.storedAt = new long[maxDatagrams];
        this.offsets = new int[maxDatagrams];
        this.lengths = new int[maxDatagrams];
    }

    /** Keeps a copy of the clear datagram in {@code clear} from 0 to its clear length. */
    public void store(ByteBuffer clear, long nowNanos) {
        int length = MediaHeader.clearLength(clear, 0);
        if (ring == null) {
            ring = new byte[maxBytes];
        }
        expire(nowNanos);
        while (count == sequences.length || bytes + length > maxBytes) {
            dropOldest();
        }
        int slot = (first + count) % sequences.length;
        int at = (ringStart + bytes) % maxBytes;
        int head = Math.min(length, maxBytes - at);
        clear.get(0, ring, at, head);
        if (head < length) {
            clear.get(head, ring, 0, length - head);
        }
        sequences[slot] = MediaHeader.sequence(clear, 0);
        storedAt[slot] = nowNanos;
        offsets[slot] = at;
        lengths[slot] = length;
        count++;
        bytes += length;
        lastStoredNanos = nowNanos;
    }

    /**
     * Copies the datagram with {@code sequence} into {@code out} at 0 (position 0, limit its
     * length) when it is held and not older than the age bound.
     *
     * @return whether it was there
     */
    public boolean copy(long sequence, ByteBuffer out, long nowNanos) {
        expire(nowNanos);
        int slot = find(sequence & 0xFFFF_FFFFL);
        if (slot < 0) {
            return false;
        }
        int at = offsets[slot];
        int length = lengths[slot];
        int head = Math.min(length, maxBytes - at);
        out.clear();
        out.put(0, ring, at, head);
        if (head < length) {
            out.put(head, ring, 0, length - head);
        }
        out.position(0).limit(length);
        return true;
    }

    /** The slot holding {@code sequence}, or -1: guessed from the newest (streams arrive mostly in order), else searched. */
    private int find(long sequence) {
        if (count == 0) {
            return -1;
        }
        int newest = (first + count - 1) % sequences.length;
        long back = (sequences[newest] - sequence) & 0xFFFF_FFFFL;
        if (back < count) {
            int guess = (newest - (int) back + sequences.length) % sequences.length;
            if (sequences[guess] == sequence) {
                return guess;
            }
        }
        for (int i = 0; i < count; i++) {
            int slot = (first + i) % sequences.length;
            if (sequences[slot] == sequence) {
                return slot;
            }
        }
        return -1;
    }

    private void expire(long nowNanos) {
        while (count > 0 && nowNanos - storedAt[first] > maxAgeNanos) {
            dropOldest();
        }
    }

    private void dropOldest() {
        int length = lengths[first];
        ringStart = (ringStart + length) % maxBytes;
        bytes -= length;
        first = (first + 1) % sequences.length;
        count--;
        if (count == 0) {
            ringStart = 0;
        }
    }

    /** Datagrams held (some may have aged out since the last store or lookup). */
    public int datagrams() {
        return count;
    }

    /** Bytes held. */
    public int bytes() {
        return bytes;
    }

    /** When the last datagram was stored ({@link System#nanoTime()} as the caller gave it), or 0. */
    public long lastStoredNanos() {
        return lastStoredNanos;
    }
}
