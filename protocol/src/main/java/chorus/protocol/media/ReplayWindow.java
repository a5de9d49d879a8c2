package chorus.protocol.media;

import java.util.Arrays;

/**
 * The anti-replay window of one receiver of one (key, channel, direction), as in SRTP (RFC 3711
 * §3.3.2) and IPsec (RFC 4303 §3.4.3): the highest packet number accepted and a bitmap of the
 * {@link #SIZE} numbers below it. A number above the highest is new; one inside the window is
 * new once; one below it is too old. {@link #check} before opening (cheap), {@link #accept} only
 * after the datagram opened, so forgeries never move the window. Not thread-safe: one per
 * receive thread.
 */
public final class ReplayWindow {
    public static final int SIZE = 1024;
    private static final int WORDS = SIZE / 64;

    private final long[] seen = new long[WORDS];
    private long highest = -1;

    /** Null when {@code packetNumber} has not been accepted and is not too old; else why to drop it. */
    public DropReason check(long packetNumber) {
        if (packetNumber < 0) {
            return DropReason.TOO_OLD; // numbers are below 2^63: a sender never gets there
        }
        if (packetNumber > highest) {
            return null;
        }
        if (highest - packetNumber >= SIZE) {
            return DropReason.TOO_OLD;
        }
        return isSet(packetNumber) ? DropReason.REPLAYED : null;
    }

    /** Records an opened datagram's number (which passed {@link #check}). */
    public void accept(long packetNumber) {
        if (packetNumber > highest) {
            long advance = highest < 0 ? SIZE : packetNumber - highest;
            if (advance >= SIZE) {
                Arrays.fill(seen, 0);
            } else {
                for (long n = highest + 1; n < packetNumber; n++) {
                    clear(n);
                }
            }
            highest = packetNumber;
        }
        set(packetNumber);
    }

    public long highest() {
        return highest;
    }

    private boolean isSet(long n) {
        int bit = (int) (n & (SIZE - 1));
        return (seen[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    private void set(long n) {
        int bit = (int) (n & (SIZE - 1));
        seen[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(long n) {
        int bit = (int) (n & (SIZE - 1));
        seen[bit >>> 6] &= ~(1L << (bit & 63));
    }
}
