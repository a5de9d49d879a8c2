package chorus.client.ui;

/**
 * How the video grid arranges {@code count} tiles: square grids of 1x1, 2x2, 3x3 and 4x4 as the
 * room grows, then pages of 16. Rows are only as many as the tiles on the page need, so two people
 * sit side by side rather than in half of an empty 2x2. Pure arithmetic, no Swing.
 */
record GridShape(int count, int side, int pages) {
    static final int MAX_SIDE = 4;

    static GridShape of(int count) {
        int n = Math.max(1, count);
        int side = 1;
        while (side < MAX_SIDE && side * side < n) {
            side++;
        }
        int perPage = side * side;
        return new GridShape(count, side, (n + perPage - 1) / perPage);
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
