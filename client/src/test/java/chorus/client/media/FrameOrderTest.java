package chorus.client.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chorus.protocol.media.Reassembler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameOrderTest {
    private static final long MS = 1_000_000L;
    private final FrameOrder order = new FrameOrder(300 * MS, 4);
    private final List<Long> out = new ArrayList<>();
    private final FrameOrder.Out sink = (id, f) -> out.add(f.frameId());

    private static Reassembler.Frame frame(long id) {
        return new Reassembler.Frame(id, 0, 0, 0, new byte[0]);
    }

    @Test
    void framesInOrderPassAtOnce() {
        for (long id = 0; id < 5; id++) {
            order.complete(7, frame(id), 0, sink);
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), out);
        assertEquals(0, order.framesHeld());
    }

    @Test
    void aFrameCompletedLateByANackComesOutBeforeTheOnesBehindIt() {
        order.complete(7, frame(0), 0, sink);
        order.complete(7, frame(2), 1 * MS, sink);
        order.complete(7, frame(3), 2 * MS, sink);
        assertEquals(List.of(0L), out, "2 and 3 wait for 1");
        order.complete(7, frame(1), 60 * MS, sink);
        assertEquals(List.of(0L, 1L, 2L, 3L), out);
    }

    @Test
    void aFrameGivenUpFreesTheOnesBehindIt() {
        order.complete(7, frame(0), 0, sink);
        order.complete(7, frame(2), 0, sink);
        order.gaveUp(7, 10 * MS, sink);
        assertEquals(List.of(0L, 2L), out);
        order.complete(7, frame(3), 11 * MS, sink);
        assertEquals(List.of(0L, 2L, 3L), out);
    }

    @Test
    void nothingIsHeldLongerThanAllowedOrMoreThanTheBound() {
        order.complete(7, frame(0), 0, sink);
        order.complete(7, frame(2), 0, sink);
        order.expire(7, 299 * MS, sink);
        assertEquals(List.of(0L), out);
        order.expire(7, 300 * MS, sink);
        assertEquals(List.of(0L, 2L), out, "1 never came: on without it");

        order.complete(7, frame(4), 301 * MS, sink);
        order.complete(7, frame(5), 301 * MS, sink);
        order.complete(7, frame(6), 301 * MS, sink);
        order.complete(7, frame(7), 301 * MS, sink);
        assertEquals(List.of(0L, 2L), out, "four held: the bound");
        order.complete(7, frame(8), 301 * MS, sink);
        assertEquals(List.of(0L, 2L, 4L, 5L, 6L, 7L, 8L), out, "a fifth: on from the oldest held");
    }

    @Test
    void aLateFrameAfterTheGapWasSkippedGoesOutForTheDecoderToJudge() {
        order.complete(7, frame(0), 0, sink);
        order.complete(7, frame(2), 0, sink);
        order.gaveUp(7, 0, sink);
        order.complete(7, frame(1), 0, sink);
        assertEquals(List.of(0L, 2L, 1L), out);
    }

    @Test
    void streamsAreOrderedApartAndAcrossTheWrap() {
        order.complete(1, frame(0xFFFF_FFFEL), 0, sink);
        order.complete(2, frame(10), 0, sink);
        order.complete(1, frame(0), 0, sink);
        order.complete(2, frame(11), 0, sink);
        order.complete(1, frame(0xFFFF_FFFFL), 0, sink);
        assertEquals(List.of(0xFFFF_FFFEL, 10L, 11L, 0xFFFF_FFFFL, 0L), out);
    }
}
