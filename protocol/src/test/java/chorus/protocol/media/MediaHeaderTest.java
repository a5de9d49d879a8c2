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
    private final byte[] key = MediaCipher.newKey();

    /** Seals a clear datagram as a client's video socket would, packet number {@code pn}. */
    private ByteBuffer sealed(ByteBuffer clear, long pn) {
        ByteBuffer out = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        new MediaCipher(key).seal(clear, clear.limit(), pn, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, out);
        return out;
    }

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
                .fragmentIndex(65534).fragmentCount(65535).packetNumber(0x0102_0304_0506_0708L);
        b.limit(MediaHeader.clearLength(b, 0));
        b = sealed(b, 0x7FFF_FFFF_FFFF_FFFEL);

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
        assertEquals(0x7FFF_FFFF_FFFF_FFFEL, r.packetNumber(), "the sealer's packet number");
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        assertTrue(new MediaCipher(key).open(b, MediaHeader.MAX_DATAGRAM, MediaCipher.VIDEO_CHANNEL,
                MediaCipher.CLIENT_TO_RELAY, clear));
    }

    @Test
    void headerIsFortyBytesAndDatagramsStayUnderTheMtuBudget() {
        assertEquals(40, MediaHeader.HEADER_LENGTH);
        assertEquals(1256, MediaHeader.MAX_DATAGRAM);
    }

    @Test
    void signalPacketsOpenWithTheKeyOnly() {
        ByteBuffer b = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        Fragmenter.encodeSignal(b, MediaKind.HELLO, 7, 3);
        ByteBuffer d = sealed(b, 1);
        assertNull(MediaHeader.validate(d, 0, d.limit()));
        assertEquals(MediaHeader.MIN_DATAGRAM, d.limit());
        assertEquals(MediaKind.HELLO, MediaHeader.kind(d, 0));
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        assertTrue(new MediaCipher(key).open(d, d.limit(), MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, clear));
        assertFalse(new MediaCipher(MediaCipher.newKey()).open(d, d.limit(), MediaCipher.VIDEO_CHANNEL,
                MediaCipher.CLIENT_TO_RELAY, clear));
    }

    @Test
    void anyFlippedBitBreaksTheTag() {
        byte[] frame = new byte[300];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) i;
        }
        ByteBuffer d = sealed(capture(new Fragmenter(MediaKind.VIDEO, 9, Codec.JPEG), frame, 1).get(0), 5);
        MediaCipher cipher = new MediaCipher(key);
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        int length = d.limit();
        for (int bit = 0; bit < length * 8; bit += 7) {
            d.put(bit / 8, (byte) (d.get(bit / 8) ^ (1 << (bit % 8))));
            assertFalse(cipher.open(d, length, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, clear), "bit " + bit);
            d.put(bit / 8, (byte) (d.get(bit / 8) ^ (1 << (bit % 8))));
        }
        assertTrue(cipher.open(d, length, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, clear));
        for (int i = 0; i < frame.length; i++) {
            assertEquals(frame[i], clear.get(MediaHeader.HEADER_LENGTH + i), "plaintext byte " + i);
        }
    }

    @Test
    void malformedDatagramsAreRejectedByReason() {
        byte[] frame = new byte[100];
        ByteBuffer good = sealed(capture(new Fragmenter(MediaKind.AUDIO, 9, Codec.PCM16), frame, 1).get(0), 0);
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
        assertEquals(DropReason.BAD_LAYER, MediaHeader.validate(mutate(good, MediaHeader.LAYER_OFFSET, 3), 0, len));
    }

    @Test
    void eachSimulcastLayerIsAStreamOfItsOwnToldApartInTheHeader() {
        byte[] frame = new byte[3000];
        for (int layer = 0; layer < MediaHeader.MAX_LAYERS; layer++) {
            List<ByteBuffer> fragments = capture(new Fragmenter(MediaKind.VIDEO, 9, Codec.H264, layer), frame, 1);
            for (ByteBuffer f : fragments) {
                assertEquals(layer, MediaHeader.layer(f, 0));
                assertEquals(layer, new MediaHeader().wrap(f, 0).layer());
            }
            assertEquals(0, MediaHeader.sequence(fragments.get(0), 0), "each layer counts its own sequences");
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Fragmenter(MediaKind.VIDEO, 9, Codec.H264, 3));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Fragmenter(MediaKind.SCREEN, 9, Codec.JPEG, 1));
    }

    @Test
    void nacksAndKeyframeRequestsNameTheLayerOfTheirStream() {
        ByteBuffer out = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        Nack.encode(out, 5, 0, 9, MediaKind.VIDEO, 2, new long[] {10, 12}, 2);
        assertTrue(Nack.valid(out));
        assertEquals(2, Nack.targetLayer(out));
        out.put(MediaHeader.HEADER_LENGTH + 5, (byte) 3);
        assertFalse(Nack.valid(out), "no fourth layer");
        Nack.encode(out, 5, 0, 9, MediaKind.SCREEN, 1, new long[] {10}, 1);
        assertFalse(Nack.valid(out), "a screen has one layer");
        KeyframeRequest.encode(out, 5, 0, 9, MediaKind.VIDEO, 1);
        assertTrue(KeyframeRequest.valid(out));
        assertEquals(1, KeyframeRequest.targetLayer(out));
        KeyframeRequest.encode(out, 5, 0, 9, MediaKind.VIDEO, 3);
        assertFalse(KeyframeRequest.valid(out));
        KeyframeRequest.encode(out, 5, 0, 9, MediaKind.VIDEO);
        assertEquals(0, KeyframeRequest.targetLayer(out));
    }

    @Test
    void aReceiverAsksForTheSmallestLayerAtLeastAsTallAsItsTile() {
        List<Integer> three = SimulcastLayers.DEFAULT_HEIGHTS;
        assertEquals(0, SimulcastLayers.forHeight(three, 120));
        assertEquals(0, SimulcastLayers.forHeight(three, 180));
        assertEquals(1, SimulcastLayers.forHeight(three, 181));
        assertEquals(2, SimulcastLayers.forHeight(three, 700));
        assertEquals(2, SimulcastLayers.forHeight(three, 1080));
        assertEquals(0, SimulcastLayers.forHeight(null, 1080));
        assertEquals(List.of(180, 360), SimulcastLayers.forSource(three, 480, 3));
        assertEquals(List.of(180), SimulcastLayers.forSource(three, 720, 1));
        assertEquals(List.of(120), SimulcastLayers.forSource(three, 120, 3));
    }

    private static ByteBuffer mutate(ByteBuffer original, int at, int value) {
        ByteBuffer copy = ByteBuffer.allocate(original.limit());
        copy.put(original.duplicate().position(0)).flip();
        copy.put(at, (byte) value);
        return copy;
    }

    @Test
    void fragmentsAreNearEqualAndNeverExceedTheMaximumPayload() {
        Fragmenter f = new Fragmenter(MediaKind.VIDEO, 1, Codec.JPEG);
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
