package chorus.relay.media;

import chorus.protocol.media.MediaKind;
import java.util.Arrays;

/**
 * The newest verified sequence number per port and kind of one participant. Each client socket
 * numbers its own datagrams, so each port keeps its own. An address may move only on a datagram
 * newer than all before it: a replayed copy of an old datagram cannot steal it.
 */
final class NewestSequences {
    private final long[][] newest = new long[MediaPort.values().length][MediaKind.values().length + 1];

    NewestSequences() {
        for (long[] perKind : newest) {
            Arrays.fill(perKind, -1);
        }
    }

    /** Records {@code sequence}; true when it is newer (mod 2^32) than every one before it. */
    boolean advance(MediaPort port, MediaKind kind, long sequence) {
        long[] perKind = newest[port.ordinal()];
        long last = perKind[kind.wire()];
        long ahead = (sequence - last) & 0xFFFF_FFFFL;
        if (last < 0 || (ahead != 0 && ahead < 0x8000_0000L)) {
            perKind[kind.wire()] = sequence;
            return true;
        }
        return false;
    }
}
