package chorus.protocol.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReassemblerTest {
    private record Datagram(long frameId, ByteBuffer bytes) {
    }

    private List<Datagram> fragment(Fragmenter f, byte[] frame) {
        List<Datagram> out = new ArrayList<>();
        f.send(frame, 0, frame.length, 1234, 0, d -> {
            ByteBuffer copy = ByteBuffer.allocate(d.remaining());
            copy.put(d).flip();
            out.add(new Datagram(new MediaHeader().wrap(copy, 0).frameId(), copy));
        });
        return out;
    }

    /**
     * Random loss, reordering within a window and duplication: every frame whose fragments all
     * arrived comes out exactly once and byte-identical; nothing else comes out.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234, 99_999})
    void lossReorderingAndDuplicatesNeverYieldACorruptFrame(long seed) {
        Random random = new Random(seed);
        Fragmenter fragmenter = new Fragmenter(MediaKind.VIDEO, 5, Codec.JPEG);
        Map<Long, byte[]> sent = new HashMap<>();
        List<Datagram> wire = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byte[] frame = new byte[random.nextInt(12_000)];
            random.nextBytes(frame);
            List<Datagram> parts = fragment(fragmenter, frame);
            sent.put(parts.get(0).frameId(), frame);
            wire.addAll(parts);
        }
        List<Datagram> delivered = new ArrayList<>();
        Set<Long> framesWithLoss = new HashSet<>();
        for (Datagram d : wire) {
            if (random.nextDouble() < 0.03) {
                framesWithLoss.add(d.frameId());
                continue;
            }
            delivered.add(d);
            if (random.nextDouble() < 0.05) {
                delivered.add(d);
            }
        }
        // reorder: shuffle inside sliding windows of 8 datagrams
        for (int start = 0; start < delivered.size(); start += 8) {
            Collections.shuffle(delivered.subList(start, Math.min(delivered.size(), start + 8)), random);
        }

        Reassembler r = new Reassembler(32, Long.MAX_VALUE, 1 << 20);
        Map<Long, byte[]> received = new HashMap<>();
        for (Datagram d : delivered) {
            Reassembler.Frame frame = r.offer(d.bytes(), 0, 0);
            if (frame != null) {
                byte[] previous = received.put(frame.frameId(), frame.data());
                assertNull(previous, "frame " + frame.frameId() + " delivered twice");
                assertArrayEquals(sent.get(frame.frameId()), frame.data(), "frame " + frame.frameId());
                assertEquals(1234, frame.timestamp());
            }
        }
        for (long id : sent.keySet()) {
            if (!framesWithLoss.contains(id)) {
                assertNotNull(received.get(id), "complete frame " + id + " was not delivered");
            } else {
                assertNull(received.get(id), "frame " + id + " lost a fragment yet came out");
            }
        }
        assertTrue(r.duplicateFragments() + r.staleFragments() > 0, "the run had duplicates");
    }

    @Test
    void incompleteFrameIsDroppedAfterTheTimeoutAndCounted() {
        Reassembler r = new Reassembler(8, 100, 1 << 20);
        List<Datagram> parts = fragment(new Fragmenter(MediaKind.VIDEO, 5, Codec.JPEG), new byte[5000]);
        for (int i = 0; i < parts.size() - 1; i++) {
            assertNull(r.offer(parts.get(i).bytes(), 0, 10));
        }
        assertEquals(1, r.pendingFrames());
        assertEquals(0, r.expire(109));
        assertEquals(1, r.expire(110));
        assertEquals(1, r.framesTimedOut());
        assertEquals(1, r.framesDropped());
        assertNull(r.offer(parts.get(parts.size() - 1).bytes(), 0, 111), "the late last fragment completes nothing");
        assertEquals(1, r.staleFragments());
    }

    @Test
    void tooManyFramesInFlightPushesOutTheOldest() {
        Reassembler r = new Reassembler(2, Long.MAX_VALUE, 1 << 20);
        Fragmenter f = new Fragmenter(MediaKind.VIDEO, 5, Codec.JPEG);
        List<List<Datagram>> frames = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            frames.add(fragment(f, new byte[3000]));
        }
        for (List<Datagram> frame : frames) {
            r.offer(frame.get(0).bytes(), 0, 0);
        }
        assertEquals(1, r.framesEvicted());
        assertEquals(2, r.pendingFrames());
    }

    @Test
    void fragmentsThatDisagreeAboutTheirFrameYieldNothing() {
        Reassembler r = new Reassembler(8, Long.MAX_VALUE, 1 << 20);
        List<Datagram> parts = fragment(new Fragmenter(MediaKind.VIDEO, 5, Codec.JPEG), new byte[3000]);
        assertEquals(3, parts.size());
        r.offer(parts.get(0).bytes(), 0, 0);
        ByteBuffer forged = parts.get(1).bytes();
        new MediaHeader().wrap(forged, 0).fragmentCount(4);
        assertNull(r.offer(forged, 0, 0));
        assertNull(r.offer(parts.get(2).bytes(), 0, 0));
        assertEquals(1, r.framesInconsistent());
        assertEquals(0, r.framesCompleted());
    }

    @Test
    void aSingleFragmentClaimingAPendingFrameIdYieldsNothing() {
        Reassembler r = new Reassembler(8, Long.MAX_VALUE, 1 << 20);
        List<Datagram> parts = fragment(new Fragmenter(MediaKind.VIDEO, 5, Codec.JPEG), new byte[3000]);
        r.offer(parts.get(0).bytes(), 0, 0);
        ByteBuffer single = parts.get(1).bytes();
        new MediaHeader().wrap(single, 0).fragmentIndex(0).fragmentCount(1);
        assertNull(r.offer(single, 0, 0));
        assertEquals(1, r.framesInconsistent());
    }

    @Test
    void framesOverTheSizeLimitAreRefused() {
        Reassembler r = new Reassembler(8, Long.MAX_VALUE, 2000);
        List<Datagram> parts = fragment(new Fragmenter(MediaKind.VIDEO, 5, Codec.JPEG), new byte[50_000]);
        for (Datagram d : parts) {
            assertNull(r.offer(d.bytes(), 0, 0));
        }
        assertEquals(0, r.framesCompleted());
        assertTrue(r.oversizedFrames() > 0);
    }

    @Test
    void theDropListenerHearsEveryFrameGivenUpWithItsReason() {
        List<Reassembler.FrameDrop> heard = new ArrayList<>();
        Reassembler r = new Reassembler(2, 100, 10_000, heard::add);
        Fragmenter f = new Fragmenter(MediaKind.VIDEO, 5, Codec.JPEG);
        List<Datagram> a = fragment(f, new byte[3000]);
        List<Datagram> b = fragment(f, new byte[3000]);
        List<Datagram> c = fragment(f, new byte[3000]);
        r.offer(a.get(0).bytes(), 0, 0);
        r.offer(b.get(0).bytes(), 0, 0);
        r.offer(c.get(0).bytes(), 0, 0); // a is pushed out
        ByteBuffer forged = b.get(1).bytes();
        new MediaHeader().wrap(forged, 0).fragmentCount(4);
        r.offer(forged, 0, 0); // b disagrees with itself
        r.expire(100); // c times out
        for (Datagram d : fragment(f, new byte[10_500])) {
            r.offer(d.bytes(), 0, 100); // nine fragments, allowed, but grows past 10,000 bytes
        }
        assertEquals(List.of(Reassembler.FrameDrop.EVICTED, Reassembler.FrameDrop.INCONSISTENT,
                Reassembler.FrameDrop.TIMED_OUT, Reassembler.FrameDrop.OVERSIZED), heard);
        assertEquals(heard.size(), r.framesDropped(), "what the listener heard is what was counted");
        assertEquals("timed-out", Reassembler.FrameDrop.TIMED_OUT.label());
    }
}
