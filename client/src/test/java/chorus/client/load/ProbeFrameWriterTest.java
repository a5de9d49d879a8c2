package chorus.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaSealer;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeFrameWriterTest {
    private final byte[] key = MediaCipher.newKey();

    /** Copies of every datagram of one frame, as they would be sent. */
    private List<ByteBuffer> frame(ProbeFrameWriter writer, int phase) {
        MediaSealer signer = new MediaSealer(key, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY);
        List<ByteBuffer> datagrams = new ArrayList<>();
        for (int i = 0; i < writer.fragmentCount(); i++) {
            ByteBuffer d = writer.fragment(17, 100 + i, 3000, 7, i, phase, signer);
            ByteBuffer copy = ByteBuffer.allocate(d.remaining());
            copy.put(d).flip();
            datagrams.add(copy);
        }
        return datagrams;
    }

    @Test
    void everyFragmentIsWellFormedAndVerifiesWithTheSendersKey() {
        ProbeFrameWriter writer = new ProbeFrameWriter(MediaKind.VIDEO, Codec.JPEG, MediaHeader.FLAG_KEYFRAME, 20_000);
        MediaCipher verifier = new MediaCipher(key);
        MediaCipher stranger = new MediaCipher(MediaCipher.newKey());
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        List<ByteBuffer> datagrams = frame(writer, ProbeFrameWriter.PHASE_MEASURED);
        assertEquals(17, datagrams.size());
        int payloadTotal = 0;
        for (int i = 0; i < datagrams.size(); i++) {
            ByteBuffer d = datagrams.get(i);
            assertNull(MediaHeader.validate(d, 0, d.remaining()), "fragment " + i);
            assertFalse(stranger.open(d, d.remaining(), MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, clear),
                    "not with another key");
            assertTrue(verifier.open(d, d.remaining(), MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, clear),
                    "fragment " + i + " opens");
            assertEquals(i, MediaHeader.packetNumber(d, 0), "the sealer's counter");
            MediaHeader h = new MediaHeader().wrap(clear, 0);
            assertEquals(MediaKind.VIDEO, h.kind());
            assertEquals(17, h.mediaId());
            assertEquals(100 + i, h.sequence());
            assertEquals(7, h.frameId());
            assertEquals(3000, h.timestamp());
            assertEquals(i, h.fragmentIndex());
            assertEquals(17, h.fragmentCount());
            assertEquals(MediaHeader.FLAG_KEYFRAME, h.flags());
            assertEquals(ProbeFrameWriter.PHASE_MEASURED, ProbeFrameWriter.phase(clear, 0));
            payloadTotal += h.payloadLength();
        }
        assertEquals(20_000, payloadTotal);
    }

    @Test
    void fragmentSizesFollowTheProtocolsNearEqualRule() {
        // PROTOCOL.md §3.5: 40000 bytes = 33 x 1177 + 1159; 2401 = 801, 801, 799; 1920 = 960, 960
        ProbeFrameWriter big = new ProbeFrameWriter(MediaKind.VIDEO, Codec.JPEG, 1, 40_000);
        assertEquals(34, big.fragmentCount());
        assertEquals(1177, big.payloadLength(0));
        assertEquals(1159, big.payloadLength(33));
        ProbeFrameWriter odd = new ProbeFrameWriter(MediaKind.VIDEO, Codec.JPEG, 1, 2401);
        assertEquals(List.of(801, 801, 799), List.of(odd.payloadLength(0), odd.payloadLength(1), odd.payloadLength(2)));
        ProbeFrameWriter audio = new ProbeFrameWriter(MediaKind.AUDIO, Codec.PCM16, 0, 1920);
        assertEquals(2, audio.fragmentCount());
        assertEquals(960, audio.payloadLength(1));
    }

    @Test
    void eachFragmentCarriesItsOwnSendTime() {
        ProbeFrameWriter writer = new ProbeFrameWriter(MediaKind.VIDEO, Codec.JPEG, 1, 5000);
        long before = System.nanoTime();
        List<ByteBuffer> datagrams = frame(writer, ProbeFrameWriter.PHASE_WARM_UP);
        long after = System.nanoTime();
        long previous = before;
        MediaCipher opener = new MediaCipher(key);
        for (ByteBuffer d : datagrams) {
            ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
            assertTrue(opener.open(d, d.remaining(), MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, clear));
            long stamp = ProbeFrameWriter.sendNanos(clear, 0);
            assertTrue(stamp - previous >= 0 && after - stamp >= 0, "stamped in order, while it was built");
            assertEquals(ProbeFrameWriter.PHASE_WARM_UP, ProbeFrameWriter.phase(clear, 0));
            previous = stamp;
        }
    }

    @Test
    void framesTooSmallForTheStampOrWithATinyLastFragmentAreRefused() {
        assertNotNull(ProbeFrameWriter.problem(8));
        assertNull(ProbeFrameWriter.problem(9));
        // 1,430,408 bytes: 1192 fragments of 1200 and a last one of 8 bytes
        assertNotNull(ProbeFrameWriter.problem(1_430_408));
        assertThrows(IllegalArgumentException.class,
                () -> new ProbeFrameWriter(MediaKind.VIDEO, Codec.JPEG, 1, 1_430_408));
    }
}
