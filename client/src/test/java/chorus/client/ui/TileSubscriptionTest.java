package chorus.client.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import chorus.client.ui.TileSubscription.ShownTile;
import chorus.protocol.control.ControlMessage.Source;
import chorus.protocol.control.ControlMessage.Subscribe;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which streams the app asks for, from the page shown and the tiles' sizes (no display needed). */
class TileSubscriptionTest {
    private static final List<Integer> THREE = List.of(180, 360, 720);

    /** The room in join order: you first, then p1..p{others}, each sending three layers. */
    private static List<String> room(int others) {
        List<String> ids = new ArrayList<>();
        ids.add("self");
        for (int i = 1; i <= others; i++) {
            ids.add("p" + i);
        }
        return ids;
    }

    /** The subscription for {@code page} of the room laid out in a {@code width} x {@code height} grid area. */
    private static Subscribe page(List<String> room, int page, int width, int height) {
        GridShape shape = GridShape.of(room.size(), GridShape.maxSideFor(width, height, 8));
        int first = shape.first(page);
        List<Rectangle> places = TileLayout.bounds(shape.onPage(page), shape.columns(), width, height, 8);
        List<ShownTile> tiles = new ArrayList<>();
        for (int i = 0; i < places.size(); i++) {
            String id = room.get(first + i);
            if (!id.equals("self")) {
                tiles.add(new ShownTile(id, THREE, places.get(i).height, false));
            }
        }
        return TileSubscription.of(tiles, null);
    }

    private static List<String> ids(Subscribe s) {
        return s.sources().stream().map(Source::participantId).toList();
    }

    @Test
    void theFirstPageOfTwentyNamesTheFifteenOthersOnItAtTheSmallLayer() {
        Subscribe s = page(room(20), 0, 884, 600); // 4x4 tiles about 140 px tall
        assertEquals(room(20).subList(1, 16), ids(s), "you are on the page but not subscribed to");
        s.sources().forEach(src -> assertEquals(new Source(src.participantId(), "camera", 0), src));
        assertNull(s.lastN());
    }

    @Test
    void theSecondPageNamesOnlyItsFourTiles() {
        Subscribe s = page(room(19), 1, 884, 600);
        assertEquals(List.of("p16", "p17", "p18", "p19"), ids(s));
        // four tiles in a 4-column grid are a quarter of the width: 215 px wide, 161 px tall
        s.sources().forEach(src -> assertEquals(0, src.layer()));
    }

    @Test
    void largerTilesAskForLargerLayers() {
        // two others, 2x2 on 1600x900: tiles 446 px tall want the 720 layer
        Subscribe big = page(room(2), 0, 1600, 900);
        assertEquals(List.of(Source.camera("p1", 2), Source.camera("p2", 2)), big.sources());
        // 3x3 on 900x600: 194 px wants 360
        Subscribe medium = page(room(8), 0, 900, 600);
        medium.sources().forEach(src -> assertEquals(1, src.layer()));
    }

    @Test
    void aLargeWindowSubscribesToTwentyFourOthersOnItsFirstPage() {
        Subscribe s = page(room(40), 0, 1600, 880);
        assertEquals(24, s.sources().size());
        assertEquals("p24", ids(s).get(23));
    }

    @Test
    void theLayerIsTheSmallestAtLeastAsTallAsTheTileAndOneLayerSendersGetLayerZero() {
        assertEquals(0, new ShownTile("a", THREE, 180, false).layer());
        assertEquals(1, new ShownTile("a", THREE, 181, false).layer());
        assertEquals(2, new ShownTile("a", THREE, 2000, false).layer(), "the largest there is");
        assertEquals(0, new ShownTile("a", null, 2000, false).layer(), "a sender of one layer");
        assertEquals(1, new ShownTile("a", List.of(180, 360), 2000, false).layer());
        assertEquals(0, new ShownTile("a", THREE, 500, true).layer(), "a thumbnail is always the small layer");
    }

    @Test
    void aPresentedScreenIsSubscribedBesideTheCameras() {
        Subscribe s = TileSubscription.of(List.of(new ShownTile("p1", THREE, 170, false)), "p9");
        assertEquals(List.of(Source.camera("p1", 0), Source.screen("p9")), s.sources());
        assertEquals(List.of(Source.screen("p9")), TileSubscription.of(List.of(), "p9").sources());
    }

    @Test
    void theSpeakerViewAsksTheLargeTileAtItsLayerAndTheStripAtTheSmallest() {
        Subscribe s = TileSubscription.of(List.of(new ShownTile("p3", THREE, 540, false),
                new ShownTile("p1", THREE, 120, true), new ShownTile("p2", THREE, 120, true)), null);
        assertEquals(List.of(Source.camera("p3", 2), Source.camera("p1", 0), Source.camera("p2", 0)), s.sources());
    }
}
