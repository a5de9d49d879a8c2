package chorus.client.ui;

import java.awt.Component;
import java.awt.Container;
import java.awt.Dimension;
import java.awt.LayoutManager;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays tiles out in rows of {@code columns}, each tile as large as fits with the video's 4:3 shape
 * (so pictures fill their tiles), the whole grid centred and a short last row centred under the
 * others, as video-call apps do.
 */
final class TileLayout implements LayoutManager {
    static final double ASPECT = 4.0 / 3.0;

    private final int columns;
    private final int gap;

    TileLayout(int columns, int gap) {
        this.columns = Math.max(1, columns);
        this.gap = gap;
    }

    int columns() {
        return columns;
    }

    /** Where {@code count} tiles go in a {@code width} x {@code height} area. Pure arithmetic. */
    static List<Rectangle> bounds(int count, int columns, int width, int height, int gap) {
        List<Rectangle> out = new ArrayList<>(count);
        if (count == 0 || width <= 0 || height <= 0) {
            return out;
        }
        int cols = Math.min(columns, count);
        int rows = (count + columns - 1) / columns;
        double byWidth = (double) (width - (cols - 1) * gap) / cols;
        double byHeight = (double) (height - (rows - 1) * gap) / rows * ASPECT;
        int tileW = (int) Math.max(1, Math.floor(Math.min(byWidth, byHeight)));
        int tileH = (int) Math.max(1, Math.floor(tileW / ASPECT));
        int top = (height - (rows * tileH + (rows - 1) * gap)) / 2;
        for (int i = 0; i < count; i++) {
            int row = i / columns;
            int inRow = Math.min(columns, count - row * columns);
            int left = (width - (inRow * tileW + (inRow - 1) * gap)) / 2;
            int col = i % columns;
            out.add(new Rectangle(left + col * (tileW + gap), top + row * (tileH + gap), tileW, tileH));
        }
        return out;
    }

    @Override
    public void layoutContainer(Container parent) {
        var insets = parent.getInsets();
        Component[] tiles = parent.getComponents();
        List<Rectangle> places = bounds(tiles.length, columns, parent.getWidth() - insets.left - insets.right,
                parent.getHeight() - insets.top - insets.bottom, gap);
        for (int i = 0; i < tiles.length; i++) {
            Rectangle r = places.get(i);
            tiles[i].setBounds(r.x + insets.left, r.y + insets.top, r.width, r.height);
        }
    }

    @Override
    public Dimension preferredLayoutSize(Container parent) {
        return new Dimension(640, 480);
    }

    @Override
    public Dimension minimumLayoutSize(Container parent) {
        return new Dimension(160, 120);
    }

    @Override
    public void addLayoutComponent(String name, Component comp) {
    }

    @Override
    public void removeLayoutComponent(Component comp) {
    }
}
