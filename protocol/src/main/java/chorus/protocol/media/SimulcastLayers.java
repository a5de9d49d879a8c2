package chorus.protocol.media;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulcast ladder: a camera sends up to {@link MediaHeader#MAX_LAYERS} spatial layers, layer 0
 * the smallest, each a stream of its own told apart by the header's layer byte. A sender announces
 * the heights it sends in its hello ({@code hello.layers}, smallest first); a receiver picks, for
 * each tile it shows, the smallest layer at least as tall as the tile ({@link #forHeight}).
 */
public final class SimulcastLayers {
    /** The default heights: 320x180, 640x360 and 1280x720 at 16:9. */
    public static final List<Integer> DEFAULT_HEIGHTS = List.of(180, 360, 720);

    private SimulcastLayers() {
    }

    /**
     * The heights a camera of {@code sourceHeight} sends: those of {@code ladder} (ascending) up to
     * {@code maxLayers} that the source fills, the smallest always (a source under 180 lines sends
     * one layer at its own height).
     */
    public static List<Integer> forSource(List<Integer> ladder, int sourceHeight, int maxLayers) {
        List<Integer> heights = new ArrayList<>();
        for (int h : ladder) {
            if (heights.size() < Math.min(maxLayers, MediaHeader.MAX_LAYERS) && h <= sourceHeight) {
                heights.add(h);
            }
        }
        if (heights.isEmpty()) {
            heights.add(sourceHeight);
        }
        return List.copyOf(heights);
    }

    /** The tallest layer height a hello may announce (8K). */
    public static final int MAX_HEIGHT = 4320;

    /**
     * Why {@code heights} (a hello's {@code layers}) cannot be announced, or null when they can:
     * null (one layer of a size not said) or 1..{@link MediaHeader#MAX_LAYERS} heights, each
     * 1..{@value #MAX_HEIGHT}, strictly ascending.
     */
    public static String problem(List<Integer> heights) {
        if (heights == null) {
            return null;
        }
        if (heights.isEmpty() || heights.size() > MediaHeader.MAX_LAYERS) {
            return "layers names " + heights.size() + " heights; 1 to " + MediaHeader.MAX_LAYERS + " are allowed";
        }
        int previous = 0;
        for (Integer h : heights) {
            if (h == null || h < 1 || h > MAX_HEIGHT || h <= previous) {
                return "layers must be ascending heights from 1 to " + MAX_HEIGHT + ", not " + heights;
            }
            previous = h;
        }
        return null;
    }

    /**
     * The layer to ask for a tile {@code tileHeight} pixels tall, of a sender whose layers are
     * {@code heights} (smallest first; null or empty: a sender of one layer): the smallest at least
     * as tall as the tile, else the largest.
     */
    public static int forHeight(List<Integer> heights, int tileHeight) {
        if (heights == null || heights.isEmpty()) {
            return 0;
        }
        for (int layer = 0; layer < heights.size(); layer++) {
            if (heights.get(layer) >= tileHeight) {
                return layer;
            }
        }
        return heights.size() - 1;
    }
}
