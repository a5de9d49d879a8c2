package chorus.client.ui;

/**
 * How the video grid arranges {@code count} tiles: square grids of 1x1, 2x2, 3x3 and 4x4 as the
 * room grows, then pages of 16 (or 5x5 and pages of 25 when the window is large enough,
 * {@link #maxSideFor}). Rows are only as many as the tiles on the page need, so two people sit
 * side by side rather than in half of an empty 2x2. Pure arithmetic, no Swing.
 */
record GridShape(int count, int side, int pages) {
    static final int MAX_SIDE = 4;
    /** The side of the grid on a large window. */
    static final int LARGE_SIDE = 5;
    /**
     * The smallest tile of a 5x5 page: 200x150 (4:3) is still a readable face, and at least as
     * tall as a sender's smallest layer (180) needs no upscaling worth speaking of.
     */
    static final int LARGE_MIN_TILE_WIDTH = 200;
    static final int LARGE_MIN_TILE_HEIGHT = 150;

    static GridShape of(int count) {
        return of(count, MAX_SIDE);
    }

    /** As {@link #of(int)}, growing to {@code maxSide} x {@code maxSide} before it pages. */
    static GridShape of(int count, int maxSide) {
        int n = Math.max(1, count);
        int side = 1;
        while (side < maxSide && side * side < n) {
            side++;
        }
        int perPage = side * side;
        return new GridShape(count, side, (n + perPage - 1) / perPage);
    }

    /**
     * The largest side for a grid area of {@code width} x {@code height} with {@code gap} between
     * tiles: {@link #LARGE_SIDE} when 5x5 tiles of at least the large minimum fit, else {@link #MAX_SIDE}.
     */
    static int maxSideFor(int width, int height, int gap) {
        int tileWidth = (width - (LARGE_SIDE - 1) * gap) / LARGE_SIDE;
        int tileHeight = (height - (LARGE_SIDE - 1) * gap) / LARGE_SIDE;
        return tileWidth >= LARGE_MIN_TILE_WIDTH && tileHeight >= LARGE_MIN_TILE_HEIGHT ? LARGE_SIDE : MAX_SIDE;
    }

    int perPage() {
        return side * side;
    }

    /** Index of the first tile on {@code page} (0-based). */
    int first(int page) {
        return clamp(page) * perPage();
    }

    /** Tiles on {@code page}. */
    int onPage(int page) {
        return Math.max(0, Math.min(perPage(), count - first(page)));
    }

    /** The page that shows the tile at {@code index} (clamped to the pages there are). */
    int pageOf(int index) {
        return clamp(Math.max(0, index) / perPage());
    }

    int columns() {
        return side;
    }

    int rows(int page) {
        return Math.max(1, (onPage(page) + side - 1) / side);
    }

    int clamp(int page) {
        return Math.max(0, Math.min(pages - 1, page));
    }
}
