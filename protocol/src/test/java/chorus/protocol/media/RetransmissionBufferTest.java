package chorus.protocol.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RetransmissionBufferTest {
    private static final long MS = 1_000_000L;

    /** A clear video datagram with {@code sequence} and {@code payload} bytes, each the sequence's low byte plus its index. */
    private static ByteBuffer datagram(long sequence, int payload) {
        ByteBuffer b = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        new MediaHeader().wrap(b, 0).magicAndVersion().kind(MediaKind.VIDEO).flags(0).codec(Codec.JPEG)
                .payloadLength(payload).mediaId(7).sequence(sequence).timestamp(0).frameId(sequence)
                .fragmentIndex(0).fragmentCount(1).audioLevel(0).packetNumber(0);
        for (int i = 0; i < payload; i++) {
            b.put(MediaHeader.HEADER_LENGTH + i, (byte) (sequence + i));
        }
        b.position(0).limit(MediaHeader.HEADER_LENGTH + payload);
        return b;
    }

    private static byte[] bytes(ByteBuffer b) {
        return Arrays.copyOf(b.array(), b.limit());
    }

    @Test
    void givesBackExactlyWhatWasStoredBySequence() {
        RetransmissionBuffer buffer = new RetransmissionBuffer(500 * MS, 16, 64 << 10);
        for (long s = 100; s < 110; s++) {
            buffer.store(datagram(s, 300 + (int) s), 0);
        }
        ByteBuffer out = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        for (long s = 109; s >= 100; s--) {
            assertTrue(buffer.copy(s, out, 1), "sequence " + s + " held");
            assertArrayEquals(bytes(datagram(s, 300 + (int) s)), bytes(out), "sequence " + s + " unchanged");
        }
        assertFalse(buffer.copy(99, out, 1), "never stored");
        assertFalse(buffer.copy(110, out, 1), "not yet stored");
    }

    @Test
    void holdsAtMostMaxDatagramsTheOldestGoFirst() {
        RetransmissionBuffer buffer = new RetransmissionBuffer(500 * MS, 8, 64 << 10);
        for (long s = 0; s < 20; s++) {
            buffer.store(datagram(s, 100), 0);
        }
        ByteBuffer out = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        assertEquals(8, buffer.datagrams());
        for (long s = 0; s < 12; s++) {
            assertFalse(buffer.copy(s, out, 0), "pushed out: " + s);
        }
        for (long s = 12; s < 20; s++) {
            assertTrue(buffer.copy(s, out, 0), "kept: " + s);
        }
    }

    @Test
    void holdsAtMostMaxBytesAcrossTheRingsEndUnchanged() {
        int max = 4 * MediaHeader.MAX_DATAGRAM;
        RetransmissionBuffer buffer = new RetransmissionBuffer(500 * MS, 1000, max);
        ByteBuffer out = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        for (long s = 0; s < 50; s++) {
            int payload = 700 + (int) (s * 37 % 500); // sizes that do not divide the ring: datagrams straddle its end
            buffer.store(datagram(s, payload), 0);
            assertTrue(buffer.bytes() <= max, "never more than max-bytes");
            assertTrue(buffer.copy(s, out, 0));
            assertArrayEquals(bytes(datagram(s, payload)), bytes(out), "sequence " + s + " read back whole");
            if (s > 0) {
                int previous = 700 + (int) ((s - 1) * 37 % 500);
                if (buffer.copy(s - 1, out, 0)) {
                    assertArrayEquals(bytes(datagram(s - 1, previous)), bytes(out), "older one intact");
                }
            }
        }
        assertFalse(buffer.copy(0, out, 0), "the oldest went to make room");
    }

    @Test
    void datagramsOlderThanMaxAgeAreGone() {
        RetransmissionBuffer buffer = new RetransmissionBuffer(500 * MS, 100, 64 << 10);
        buffer.store(datagram(1, 100), 0);
        buffer.store(datagram(2, 100), 300 * MS);
        ByteBuffer out = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        assertTrue(buffer.copy(1, out, 500 * MS), "500 ms old: still kept");
        assertFalse(buffer.copy(1, out, 501 * MS), "older than 500 ms: gone");
        assertTrue(buffer.copy(2, out, 501 * MS));
        assertFalse(buffer.copy(2, out, 801 * MS));
        assertEquals(0, buffer.datagrams());
    }

    @Test
    void sequencesWrapAroundTwoToTheThirtyTwo() {
        RetransmissionBuffer buffer = new RetransmissionBuffer(500 * MS, 16, 64 << 10);
        long[] sent = {0xFFFF_FFFDL, 0xFFFF_FFFEL, 0xFFFF_FFFFL, 0, 1, 2};
        for (long s : sent) {
            buffer.store(datagram(s, 50), 0);
        }
        ByteBuffer out = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        for (long s : sent) {
            assertTrue(buffer.copy(s, out, 0), "held across the wrap: " + s);
            assertEquals(s, MediaHeader.sequence(out, 0));
        }
        assertTrue(buffer.copy(-1L, out, 0), "a sequence is read modulo 2^32");
        assertEquals(0xFFFF_FFFFL, MediaHeader.sequence(out, 0));
    }

    @Test
    void findsDatagramsThatArrivedOutOfOrder() {
        RetransmissionBuffer buffer = new RetransmissionBuffer(500 * MS, 16, 64 << 10);
        for (long s : new long[] {5, 3, 4, 8, 6, 7}) {
            buffer.store(datagram(s, 60), 0);
        }
        ByteBuffer out = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        for (long s = 3; s <= 8; s++) {
            assertTrue(buffer.copy(s, out, 0));
            assertEquals(s, MediaHeader.sequence(out, 0));
        }
    }

    @Test
    void refusesBoundsThatCannotHoldADatagram() {
        assertThrows(IllegalArgumentException.class, () -> new RetransmissionBuffer(500 * MS, 0, 64 << 10));
        assertThrows(IllegalArgumentException.class, () -> new RetransmissionBuffer(500 * MS, 8, 100));
        assertThrows(IllegalArgumentException.class, () -> new RetransmissionBuffer(0, 8, 64 << 10));
    }
}
