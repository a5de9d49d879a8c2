package chorus.client.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The grid's arithmetic (no display needed). */
class GridShapeTest {
    private static String shape(int count) {
        GridShape s = GridShape.of(count);
        return s.columns() + "x" + s.rows(0) + (s.pages() > 1 ? " of " + s.pages() + " pages" : "");
    }

    @Test
    void squareGridsGrowWithTheRoomThenPages() {
        assertEquals("1x1", shape(1));
        assertEquals("2x1", shape(2), "two people side by side");
        assertEquals("2x2", shape(3));
        assertEquals("2x2", shape(4));
        assertEquals("3x2", shape(5));
        assertEquals("3x3", shape(9));
        assertEquals("4x3", shape(10));
        assertEquals("4x4", shape(16));
        assertEquals("4x4 of 2 pages", shape(17));
        assertEquals("4x4 of 3 pages", shape(40));
    }

    @Test
    void aLargeWindowPagesByTwentyFive() {
        GridShape s = GridShape.of(60, GridShape.LARGE_SIDE);
        assertEquals(5, s.columns());
        assertEquals(3, s.pages());
        assertEquals(25, s.onPage(1));
        assertEquals(10, s.onPage(2));
        assertEquals("4x4", GridShape.of(16, GridShape.LARGE_SIDE).columns() + "x" + GridShape.of(16, 5).rows(0),
                "a room that fits 4x4 stays 4x4");
    }

    @Test
    void fiveByFiveOnlyWhenItsTilesAreLargeEnough() {
        // 5 tiles of 200 and 4 gaps of 8 across, 5 of 150 and 4 gaps down
        assertEquals(5, GridShape.maxSideFor(1032, 782, 8));
        assertEquals(4, GridShape.maxSideFor(1031, 782, 8), "one pixel too narrow");
        assertEquals(4, GridShape.maxSideFor(1032, 781, 8), "one pixel too low");
        assertEquals(4, GridShape.maxSideFor(884, 600, 8), "the usual window");
        assertEquals(5, GridShape.maxSideFor(1600, 880, 8), "a maximised full-HD window");
    }

    @Test
    void growingTheGridKeepsThePeopleInViewOnThePageShown() {
        // tile 40 opens page 3 of 4x4 (32..47); with 5x5 pages it is on page 2 (25..49)
        GridShape small = GridShape.of(60);
        GridShape large = GridShape.of(60, GridShape.LARGE_SIDE);
        assertEquals(1, large.pageOf(small.first(2)));
        assertEquals(2, large.pageOf(59));
        assertEquals(2, large.pageOf(500), "clamped to the last page");
    }

    @Test
    void theLastPageHoldsTheRest() {
        GridShape s = GridShape.of(17);
        assertEquals(16, s.onPage(0));
        assertEquals(1, s.onPage(1));
        assertEquals(16, s.first(1));
        assertEquals(1, s.rows(1));
        assertEquals(1, s.clamp(5));
        assertEquals(0, s.clamp(-1));
    }

    @Test
    void tilesKeepTheVideosShapeAndAShortLastRowIsCentred() {
        // three people in a 2x2 grid of a 1000x700 area, 10 px apart
        var places = TileLayout.bounds(3, 2, 1000, 700, 10);
        assertEquals(3, places.size());
        var first = places.get(0);
        assertEquals(4.0 / 3.0, (double) first.width / first.height, 0.02, "4:3 tiles");
        assertEquals(first.y, places.get(1).y, "the first two side by side");
        var last = places.get(2);
        assertEquals(500, last.x + last.width / 2, 1, "the third centred under them");
        int gridHeight = last.y + last.height - first.y;
        assertEquals(700 - gridHeight, 2 * first.y, 2, "the grid is centred vertically");
        assertEquals(0, TileLayout.bounds(0, 2, 1000, 700, 10).size());
    }

    @Test
    void initialsComeFromTheFirstAndLastWords() {
        assertEquals("AL", ParticipantTile.initials("Ada Lovelace"));
        assertEquals("B", ParticipantTile.initials("bob"));
        assertEquals("GH", ParticipantTile.initials("grace brewster hopper"));
        assertEquals("ÉZ", ParticipantTile.initials("émile zola"));
        assertEquals("?", ParticipantTile.initials("   "));
    }
}
