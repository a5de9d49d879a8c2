package chorus.client.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which layers a camera sends for its height: the ladder's rungs it fills, and itself on top when it lies between two. */
class SimulcastLadderTest {
    @Test
    void aCameraSendsTheRungsItFillsAndItselfWhenItIsBetweenTwo() {
        assertEquals(List.of(180, 360, 720), Simulcast.of(3, 720).announcedHeights(), "720 lines fill the ladder");
        assertEquals(List.of(180, 360, 720), Simulcast.of(3, 1080).announcedHeights(), "never more than three");
        assertEquals(List.of(180, 360, 480), Simulcast.of(3, 480).announcedHeights(), "a 480-line camera on top of 360");
        assertEquals(List.of(180, 360), Simulcast.of(2, 480).announcedHeights(), "two layers asked: two");
        assertEquals(List.of(120), Simulcast.of(3, 120).announcedHeights(), "under the smallest rung: itself alone");
        assertNull(Simulcast.SINGLE.announcedHeights(), "one layer: the camera as it is");
        Simulcast.Layer top = Simulcast.of(3, 480).layers().get(2);
        assertEquals(1_500_000, top.bitrate(), "at the next rung's rate");
        assertEquals(30, top.fps());
    }
}
