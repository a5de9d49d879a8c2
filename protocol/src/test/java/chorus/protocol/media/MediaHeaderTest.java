package chorus.protocol.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MediaHeaderTest {
    private final byte[] key = MediaAuthenticator.newKey();

    private static List<ByteBuffer> capture(Fragmenter f, byte[] frame, long ts) {
        List<ByteBuffer> out = new ArrayList<>();
        f.send(frame, 0, frame.length, ts, MediaHeader.FLAG_KEYFRAME, d -> {
            ByteBuffer copy = ByteBuffer.allocate(d.remaining());
            copy.put(d).flip();
            out.add(copy);
        });
        return out;
    }

    @ParameterizedTest
    @EnumSource(MediaKind.class)
    void everyKindSurvivesARoundTrip(MediaKind kind) {
        ByteBuffer b = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        MediaHeader h = new MediaHeader().wrap(b, 0);
        h.magicAndVersion().kind(kind).flags(0x81).codec(Codec.JPEG).payloadLength(1200)
                .mediaId(0xFEDCBA98).sequence(0xFFFF_FFFEL).timestamp(0x8000_0001L).frameId(0xFFFF_FFFFL)
                .fragmentIndex(65534).fragmentCount(65535);
        new MediaAuthenticator(key).sign(b, 0, MediaHeader.signedLength(b, 0));

        MediaHeader r = new MediaHeader().wrap(b, 0);
        assertNull(MediaHeader.validate(b, 0, MediaHeader.MAX_DATAGRAM));
        assertEquals(MediaHeader.MAGIC, r.magic());
        assertEquals(MediaHeader.VERSION, r.version());
        assertEquals(kind, r.kind());
        assertEquals(0x81, r.flags());
        assertEquals(Codec.JPEG, r.codec());
        assertEquals(1200, r.payloadLength());
        assertEquals(0xFEDCBA98, r.mediaId());
        assertEquals(0xFFFF_FFFEL, r.sequence());
        assertEquals(0x8000_0001L, r.timestamp());
        assertEquals(0xFFFF_FFFFL, r.frameId());
        assertEquals(65534, r.fragmentIndex());
        assertEquals(65535, r.fragmentCount());
        assertTrue(new MediaAuthenticator(key).verify(b, 0, MediaHeader.signedLength(b, 0)));
    }

    @Test
    void headerIsTwentyEightBytesAndDatagramsStayUnderTheMtuBudget() {
        assertEquals(28, MediaHeader.HEADER_LENGTH);
        assertEquals(1244, MediaHeader.MAX_DATAGRAM);
    }

    @Test
    void signalPacketsVerifyWithTheKeyOnly() {
        ByteBuffer b = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        int len = Fragmenter.encodeSignal(b, MediaKind.HELLO, 7, 3, new MediaAuthenticator(key));
        assertNull(MediaHeader.validate(b, 0, len));
        assertEquals(MediaKind.HELLO, MediaHeader.kind(b, 0));
        assertTrue(new MediaAuthenticator(key).verify(b, 0, MediaHeader.HEADER_LENGTH));
        assertFalse(new MediaAuthenticator(MediaAuthenticator.newKey()).verify(b, 0, MediaHeader.HEADER_LENGTH));
    }

    @Test
    void anyFlippedBitBreaksTheTag() {
        byte[] frame = new byte[300];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) i;
        }
        ByteBuffer d = capture(new Fragmenter(MediaKind.VIDEO, 9, Codec.JPEG, key), frame, 1).get(0);
        MediaAuthenticator auth = new MediaAuthenticator(key);
        int signed = MediaHeader.signedLength(d, 0);
        for (int bit = 0; bit < (signed + MediaHeader.TAG_LENGTH) * 8; bit += 7) {
            d.put(bit / 8, (byte) (d.get(bit / 8) ^ (1 << (bit % 8))));
            assertFalse(auth.verify(d, 0, signed), "bit " + bit);
            d.put(bit / 8, (byte) (d.get(bit / 8) ^ (1 << (bit % 8))));
        }
        assertTrue(auth.verify(d, 0, signed));
    }

    @Test
    void malformedDatagramsAreRejectedByReason() {
        byte[] frame = new byte[100];
        ByteBuffer good = capture(new Fragmenter(MediaKind.AUDIO, 9, Codec.PCM16, key), frame, 1).get(0);
        int len = good.limit();
        assertNull(MediaHeader.validate(good, 0, len));
        assertEquals(DropReason.TOO_SHORT, MediaHeader.validate(good, 0, MediaHeader.MIN_DATAGRAM - 1));
        assertEquals(DropReason.BAD_LENGTH, MediaHeader.validate(good, 0, len - 1));
        assertEquals(DropReason.BAD_MAGIC, MediaHeader.validate(mutate(good, 0, 0x00), 0, len));
        assertEquals(DropReason.BAD_VERSION, MediaHeader.validate(mutate(good, 2, 9), 0, len));
        assertEquals(DropReason.UNKNOWN_KIND, MediaHeader.validate(mutate(good, 3, 77), 0, len));
        ByteBuffer badFragment = mutate(good, MediaHeader.FRAGMENT_INDEX_OFFSET + 1, 5);
        assertEquals(DropReason.BAD_FRAGMENT, MediaHeader.validate(badFragment, 0, len));
        ByteBuffer zeroCount = mutate(good, MediaHeader.FRAGMENT_COUNT_OFFSET + 1, 0);
        assertEquals(DropReason.BAD_FRAGMENT, MediaHeader.validate(zeroCount, 0, len));
    }

    private static ByteBuffer mutate(ByteBuffer original, int at, int value) {
        ByteBuffer copy = ByteBuffer.allocate(original.limit());
        copy.put(original.duplicate().position(0)).flip();
        copy.put(at, (byte) value);
        return copy;
    }

    @Test
    void fragmentsAreNearEqualAndNeverExceedTheMaximumPayload() {
        Fragmenter f = new Fragmenter(MediaKind.VIDEO, 1, Codec.JPEG, key);
        List<ByteBuffer> parts = capture(f, new byte[40_000], 5);
        assertEquals(34, parts.size());
        for (ByteBuffer p : parts) {
            int payload = MediaHeader.payloadLength(p, 0);
            assertTrue(payload <= MediaHeader.MAX_PAYLOAD);
            assertTrue(payload >= 40_000 / 34 - 34, "no tiny tail fragment: " + payload);
        }
        assertEquals(2, capture(f, new byte[1920], 6).size(), "one 20 ms PCM frame is two datagrams");
        assertEquals(1, capture(f, new byte[0], 7).size(), "an empty frame is still one datagram");
    }
}
