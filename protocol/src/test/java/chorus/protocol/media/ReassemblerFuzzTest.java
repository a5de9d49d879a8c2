package chorus.protocol.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Fuzz target: a {@link Reassembler} fed an arbitrary sequence of datagrams (arbitrary bytes, or
 * headers built from fuzzed fields so that frame ids, counts and indexes collide), at arbitrary
 * times, with arbitrary limits. As in the relay, a datagram that passed
 * {@link MediaHeader#validate} is offered as the opener gives it back: header and payload, the tag
 * cut off by the buffer's limit, so the reassembler may read nothing past the payload. Whatever it
 * gives out must be made of fragments it was offered: one per index, all agreeing on count, codec,
 * flags and timestamp, in index order. Its counters and its drop listener must agree. Seeds in
 * {@code ReassemblerFuzzTestInputs/}.
 */
class ReassemblerFuzzTest {
    private static final int MAX_STEPS = 64;

    /** One offered fragment, as the oracle remembers it. */
    private record Fragment(long frameId, int count, int index, int codec, int flags, long timestamp, byte[] payload) {
        boolean sameFrame(Fragment o) {
            return frameId == o.frameId && count == o.count && codec == o.codec && flags == o.flags
                    && timestamp == o.timestamp;
        }
    }

    @FuzzTest(maxDuration = "10s")
    void reassemblingArbitraryDatagrams(FuzzedDataProvider data) {
        int maxPending = data.consumeInt(1, 8);
        long timeoutNanos = data.consumeLong(1, 1_000_000_000L);
        // Real configurations (video 8 MiB, audio 64 KiB) are never below one datagram's payload.
        int maxFrameBytes = data.consumeInt(MediaHeader.MAX_PAYLOAD, 16 * MediaHeader.MAX_PAYLOAD);
        long[] dropsHeard = new long[1];
        Reassembler reassembler = new Reassembler(maxPending, timeoutNanos, maxFrameBytes, why -> dropsHeard[0]++);
        List<Fragment> offered = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM + 8);
        long now = data.consumeLong();
        long completed = 0;

        for (int step = 0; step < MAX_STEPS && data.remainingBytes() > 0; step++) {
            now += data.consumeLong(0, 2 * timeoutNanos);
            int offset = data.consumeInt(0, 8);
            int length = data.consumeBoolean() ? arbitrary(data, buffer, offset) : built(data, buffer, offset, step);
            if (MediaHeader.validate(buffer, offset, length) != null) {
                continue; // the gateway drops it before reassembly
            }
            Fragment fragment = remember(buffer, offset);
            offered.add(fragment);
            ByteBuffer opened = buffer.duplicate().limit(offset + MediaHeader.clearLength(buffer, offset));
            Reassembler.Frame frame = reassembler.offer(opened, offset, now);
            assertTrue(reassembler.pendingFrames() <= maxPending, "more frames pending than allowed");
            assertEquals(dropsHeard[0], reassembler.framesDropped(), "the listener hears every frame given up");
            if (frame != null) {
                completed++;
                checkMadeOfOfferedFragments(frame, fragment, offered, maxFrameBytes);
            }
        }
        assertEquals(completed, reassembler.framesCompleted(), "frames given out and framesCompleted() disagree");
        reassembler.expire(now + timeoutNanos);
        assertEquals(0, reassembler.pendingFrames(), "every incomplete frame expires");
        assertEquals(dropsHeard[0], reassembler.framesDropped());
    }

    /** A frame is completed by the fragment just offered, from fragments that agree with it. */
    private static void checkMadeOfOfferedFragments(Reassembler.Frame frame, Fragment last, List<Fragment> offered,
                                                    int maxFrameBytes) {
        assertEquals(last.frameId(), frame.frameId(), "a frame completed by a fragment of another frame");
        assertEquals(last.codec(), frame.codec(), "a frame whose fragments disagree on the codec");
        assertEquals(last.flags(), frame.flags(), "a frame whose fragments disagree on the flags");
        assertEquals(last.timestamp(), frame.timestamp(), "a frame whose fragments disagree on the timestamp");
        if (last.count() == 1) {
            assertArrayEquals(last.payload(), frame.data(), "a one-fragment frame is its payload");
            return;
        }
        assertTrue(frame.data().length <= maxFrameBytes, "frame over the size limit given out");
        // reachable.get(p): the first i fragments can make the first p bytes of the frame.
        byte[] bytes = frame.data();
        BitSet reachable = new BitSet();
        reachable.set(0);
        for (int index = 0; index < last.count(); index++) {
            BitSet next = new BitSet();
            for (Fragment f : offered) {
                if (f.index() != index || !f.sameFrame(last)) {
                    continue;
                }
                for (int p = reachable.nextSetBit(0); p >= 0; p = reachable.nextSetBit(p + 1)) {
                    int end = p + f.payload().length;
                    if (end <= bytes.length && Arrays.equals(bytes, p, end, f.payload(), 0, f.payload().length)) {
                        next.set(end);
                    }
                }
            }
            reachable = next;
        }
        assertTrue(reachable.get(bytes.length),
                "frame " + frame.frameId() + " is not its offered fragments in index order");
    }

    private static Fragment remember(ByteBuffer buffer, int offset) {
        MediaHeader h = new MediaHeader().wrap(buffer, offset);
        byte[] payload = new byte[h.payloadLength()];
        buffer.get(h.payloadOffset(), payload);
        return new Fragment(h.frameId(), h.fragmentCount(), h.fragmentIndex(), h.codec(), h.flags(), h.timestamp(),
                payload);
    }

    /** Arbitrary bytes as a received datagram; what the payload's place holds stands for the plaintext. */
    private static int arbitrary(FuzzedDataProvider data, ByteBuffer buffer, int offset) {
        byte[] bytes = data.consumeBytes(MediaHeader.MAX_DATAGRAM);
        buffer.put(offset, bytes);
        return bytes.length;
    }

    /** A well-formed datagram whose fields come from small ranges, so that fragments meet. */
    private static int built(FuzzedDataProvider data, ByteBuffer buffer, int offset, long packetNumber) {
        int count = data.consumeBoolean() ? data.consumeInt(1, 4) : data.consumeInt(1, 0xFFFF);
        byte[] payload = data.consumeBytes(data.consumeInt(0, MediaHeader.MAX_PAYLOAD));
        new MediaHeader().wrap(buffer, offset)
                .magicAndVersion()
                .kind(MediaKind.VIDEO)
                .flags(data.consumeInt(0, 1))
                .codec(data.consumeInt(0, 1))
                .payloadLength(payload.length)
                .mediaId(7)
                .sequence(0)
                .timestamp(data.consumeInt(0, 1))
                .frameId(data.consumeBoolean() ? data.consumeInt(0, 9) : data.consumeLong() & 0xFFFF_FFFFL)
                .fragmentIndex(data.consumeInt(0, count - 1))
                .fragmentCount(count)
                .packetNumber(packetNumber);
        buffer.put(offset + MediaHeader.HEADER_LENGTH, payload);
        return MediaHeader.HEADER_LENGTH + payload.length + MediaHeader.TAG_LENGTH;
    }
}
