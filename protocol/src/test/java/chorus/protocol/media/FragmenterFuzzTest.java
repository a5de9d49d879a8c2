package chorus.protocol.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fuzz target: frames of fuzzed sizes, flags and timestamps go through a {@link Fragmenter} and are
 * sealed as a client's video socket seals them ({@link MediaSealer}); their datagrams are opened and
 * reach a {@link Reassembler} in a fuzzed order with fuzzed losses and duplicates. A frame comes out
 * exactly when all its fragments arrived, once, equal to what was sent. Seeds in
 * {@code FragmenterFuzzTestInputs/}.
 */
class FragmenterFuzzTest {
    private static final byte[] KEY = new byte[MediaCipher.KEY_LENGTH];
    private static final MediaCipher OPENER = new MediaCipher(KEY);
    /**
     * One sender for every run (a new one per run costs the buffers and a cipher): each run sets
     * the next frame id; the sequence and packet numbers it carries on with are not read by reassembly.
     */
    private static final Fragmenter FRAGMENTER = new Fragmenter(MediaKind.VIDEO, 9, Codec.JPEG);
    private static final MediaSealer SEALER = new MediaSealer(KEY, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY);
    /** Up to four fragments: every boundary (1199, 1200, 1201, 2400, ...) without paying for big frames. */
    private static final int MAX_FRAME = 3 * MediaHeader.MAX_PAYLOAD + 1;

    private record Sent(long frameId, long timestamp, int flags, byte[] data) {
    }

    private record Datagram(long frameId, int index, ByteBuffer bytes) {
    }

    @FuzzTest(maxDuration = "10s")
    void reassembledFramesEqualWhatWasFragmented(FuzzedDataProvider data) {
        Fragmenter fragmenter = FRAGMENTER;
        fragmenter.nextFrameId(data.consumeLong() & 0xFFFF_FFFFL); // ids wrap at 2^32
        // At most as many frames as the video reassembler keeps in flight, so none is pushed out.
        int frames = data.consumeInt(1, 8);
        List<Sent> sent = new ArrayList<>();
        List<Datagram> datagrams = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            byte[] frame = new byte[data.consumeInt(0, MAX_FRAME)];
            new SplittableRandom(data.consumeLong()).nextBytes(frame);
            long timestamp = data.consumeLong() & 0xFFFF_FFFFL;
            int flags = data.consumeInt(0, 255);
            long frameId = fragmenter.send(frame, 0, frame.length, timestamp, flags, clear -> {
                long packetNumber = SEALER.packetsSealed();
                ByteBuffer sealed = SEALER.seal(clear);
                ByteBuffer copy = ByteBuffer.allocate(sealed.remaining()).put(sealed.duplicate()).flip();
                assertNull(MediaHeader.validate(copy, 0, copy.limit()), "a fragment fails validation");
                assertEquals(packetNumber, MediaHeader.packetNumber(copy, 0), "the sealer's next packet number");
                ByteBuffer opened = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
                assertTrue(OPENER.open(copy, copy.limit(), MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, opened),
                        "a fragment does not open");
                assertEquals(clear.limit(), opened.limit(), "opened to another length than the fragment made");
                for (int at = 0; at < clear.limit(); at++) {
                    if (at < MediaHeader.PACKET_NUMBER_OFFSET || at >= MediaHeader.HEADER_LENGTH) {
                        assertEquals(clear.get(at), opened.get(at), "byte " + at + " of the fragment changed on the way");
                    }
                }
                MediaHeader h = new MediaHeader().wrap(copy, 0);
                datagrams.add(new Datagram(h.frameId(), h.fragmentIndex(), copy));
            });
            sent.add(new Sent(frameId, timestamp, flags, frame));
        }

        Reassembler reassembler = Reassembler.forVideo();
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        List<BitSet> arrived = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            arrived.add(new BitSet());
        }
        boolean[] delivered = new boolean[frames];
        int deliveries = data.consumeInt(0, 3 * datagrams.size());
        for (int k = 0; k < deliveries; k++) {
            Datagram d = datagrams.get(data.consumeInt(0, datagrams.size() - 1));
            // No replay window here: a duplicate reaches the reassembler, which must ignore it too.
            assertTrue(OPENER.open(d.bytes(), d.bytes().limit(), MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY,
                    clear), "a fragment does not open again");
            int which = frameIndex(sent, d.frameId());
            arrived.get(which).set(d.index());
            Reassembler.Frame out = reassembler.offer(clear, 0, 0);
            if (out == null) {
                continue;
            }
            assertEquals(d.frameId(), out.frameId());
            Sent original = sent.get(which);
            assertTrue(!delivered[which], "frame " + out.frameId() + " given out twice");
            delivered[which] = true;
            assertArrayEquals(original.data(), out.data(), "reassembled bytes differ from the frame sent");
            assertEquals(original.timestamp(), out.timestamp());
            assertEquals(original.flags(), out.flags());
            assertEquals(Codec.JPEG, out.codec());
        }
        for (int i = 0; i < frames; i++) {
            int fragments = Fragmenter.fragmentsFor(sent.get(i).data().length);
            assertEquals(arrived.get(i).cardinality() == fragments, delivered[i],
                    "frame " + i + ": " + arrived.get(i).cardinality() + " of " + fragments + " fragments arrived");
        }
    }

    private static int frameIndex(List<Sent> sent, long frameId) {
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i).frameId() == frameId) {
                return i;
            }
        }
        throw new AssertionError("datagram of a frame never sent: " + frameId);
    }
}
