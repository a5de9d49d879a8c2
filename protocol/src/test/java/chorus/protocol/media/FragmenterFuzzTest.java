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
 * Fuzz target: frames of fuzzed sizes, flags and timestamps go through a {@link Fragmenter}, their
 * datagrams reach a {@link Reassembler} in a fuzzed order with fuzzed losses and duplicates. A
 * frame comes out exactly when all its fragments arrived, once, equal to what was sent. Seeds in
 * {@code FragmenterFuzzTestInputs/}.
 */
class FragmenterFuzzTest {
    private static final byte[] KEY = new byte[MediaAuthenticator.KEY_LENGTH];
    private static final MediaAuthenticator VERIFIER = new MediaAuthenticator(KEY);
    /**
     * One sender for every run (a new one per run costs a direct buffer and a digest): each run sets
     * the next frame id; the sequence number it carries on is not read by reassembly.
     */
    private static final Fragmenter FRAGMENTER = new Fragmenter(MediaKind.VIDEO, 9, Codec.JPEG, KEY);
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
            long frameId = fragmenter.send(frame, 0, frame.length, timestamp, flags, packet -> {
                ByteBuffer copy = ByteBuffer.allocate(packet.remaining()).put(packet.duplicate());
                assertNull(MediaHeader.validate(copy, 0, copy.limit()), "a fragment fails validation");
                assertTrue(VERIFIER.verify(copy, 0, MediaHeader.signedLength(copy, 0)), "a fragment's tag does not verify");
                MediaHeader h = new MediaHeader().wrap(copy, 0);
                datagrams.add(new Datagram(h.frameId(), h.fragmentIndex(), copy));
            });
            sent.add(new Sent(frameId, timestamp, flags, frame));
        }

        Reassembler reassembler = Reassembler.forVideo();
        List<BitSet> arrived = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            arrived.add(new BitSet());
        }
        boolean[] delivered = new boolean[frames];
        int deliveries = data.consumeInt(0, 3 * datagrams.size());
        for (int k = 0; k < deliveries; k++) {
            Datagram d = datagrams.get(data.consumeInt(0, datagrams.size() - 1));
            ByteBuffer b = d.bytes();
            int which = frameIndex(sent, d.frameId());
            arrived.get(which).set(d.index());
            Reassembler.Frame out = reassembler.offer(b, 0, 0);
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
