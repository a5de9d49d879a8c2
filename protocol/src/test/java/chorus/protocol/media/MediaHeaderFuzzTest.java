package chorus.protocol.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Fuzz target: {@link MediaHeader#validate} and the flyweight's getters on arbitrary datagrams. The
 * verdict is compared with the drop rules of PROTOCOL.md §4.4 written out again here from the
 * table, and must not depend on the buffer (heap or direct, at an offset, followed by other bytes).
 * Seeds in {@code MediaHeaderFuzzTestInputs/}.
 */
class MediaHeaderFuzzTest {
    /** Bytes before and after the datagram in the buffer the relay reads into. */
    private static final int LEAD = 5;
    private static final int TRAIL = 64;
    /** One receive buffer for every run (a direct buffer per run would only measure the allocator). */
    private static final ByteBuffer RECEIVE = ByteBuffer.allocateDirect(LEAD + (1 << 16) + TRAIL);

    @FuzzTest(maxDuration = "10s")
    void validatingArbitraryDatagrams(byte[] datagram) {
        int length = datagram.length;
        ByteBuffer exact = ByteBuffer.wrap(datagram);
        DropReason verdict = MediaHeader.validate(exact, 0, length);
        assertEquals(expected(datagram), verdict, "the drop reason of PROTOCOL.md §4.4");
        assertEquals(0, exact.position(), "validate leaves the position alone");

        // The receive buffer is larger than the datagram and may be direct: same verdict.
        if (LEAD + length + TRAIL > RECEIVE.capacity()) {
            return; // longer than any UDP datagram
        }
        ByteBuffer direct = RECEIVE;
        for (int i = 0; i < LEAD + length + TRAIL; i++) {
            direct.put(i, (byte) 0x43); // bytes around it that would look like magic if read
        }
        direct.put(LEAD, datagram);
        assertEquals(verdict, MediaHeader.validate(direct, LEAD, length), "verdict depends on the buffer");

        if (verdict != null) {
            return;
        }
        MediaHeader header = new MediaHeader().wrap(direct, LEAD);
        assertEquals(MediaHeader.MAGIC, header.magic());
        assertEquals(MediaHeader.VERSION, header.version());
        MediaKind kind = header.kind();
        assertNotNull(kind);
        assertEquals(datagram[3] & 0xFF, kind.wire());
        assertEquals(length, header.datagramLength(), "declared length is the datagram's length");
        assertEquals(length, MediaHeader.clearLength(direct, LEAD) + MediaHeader.TAG_LENGTH);
        assertTrue(header.payloadLength() <= MediaHeader.MAX_PAYLOAD);
        assertTrue(header.fragmentIndex() < header.fragmentCount());
        assertEquals(u32(datagram, 8), header.mediaId() & 0xFFFF_FFFFL);
        assertEquals(u32(datagram, 12), header.sequence());
        assertEquals(u32(datagram, 16), header.timestamp());
        assertEquals(u32(datagram, 20), header.frameId());
        assertEquals(datagram[4] & 0xFF, header.flags());
        assertEquals(datagram[5] & 0xFF, header.codec());
        assertEquals(datagram[28] & 0xFF, header.audioLevel());
        assertEquals(u32(datagram, 32) << 32 | u32(datagram, 36), header.packetNumber());
        assertEquals(header.packetNumber(), MediaHeader.packetNumber(direct, LEAD));
        assertTrue(header.payloadOffset() + header.payloadLength() + MediaHeader.TAG_LENGTH <= LEAD + length,
                "payload and tag lie inside the datagram");
    }

    /** PROTOCOL.md §4.4, checks 1–6, first failure wins. */
    private static DropReason expected(byte[] d) {
        if (d.length < 40 + 16) {
            return DropReason.TOO_SHORT;
        }
        if ((d[0] & 0xFF) != 0x43 || (d[1] & 0xFF) != 0x48) {
            return DropReason.BAD_MAGIC;
        }
        if (d[2] != 3) {
            return DropReason.BAD_VERSION;
        }
        if ((d[3] & 0xFF) < 1 || (d[3] & 0xFF) > 9) {
            return DropReason.UNKNOWN_KIND;
        }
        int payloadLength = u16(d, 6);
        if (payloadLength > 1200 || 40 + payloadLength + 16 != d.length) {
            return DropReason.BAD_LENGTH;
        }
        int index = u16(d, 24);
        int count = u16(d, 26);
        if (count == 0 || index >= count) {
            return DropReason.BAD_FRAGMENT;
        }
        if ((d[29] & 0xFF) > 2) {
            return DropReason.BAD_LAYER;
        }
        return null;
    }

    private static int u16(byte[] d, int at) {
        return (d[at] & 0xFF) << 8 | (d[at + 1] & 0xFF);
    }

    private static long u32(byte[] d, int at) {
        return ((long) u16(d, at) << 16) | u16(d, at + 2);
    }
}
