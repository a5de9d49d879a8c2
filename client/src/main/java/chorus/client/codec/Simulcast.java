package chorus.client.codec;

import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.SimulcastLayers;
import java.util.ArrayList;
import java.util.List;

/**
 * How many spatial layers a camera is sent in, and each layer's height, bitrate and frame rate
 * (simulcast): the relay forwards each receiver the layer its tile needs. The layers sent are those
 * of the {@link #ladder} that a camera {@link #sourceHeight} lines tall fills, at most
 * {@link #maxLayers} ({@link SimulcastLayers#forSource}); a source smaller than the smallest rung
 * sends one layer at its own height, and one between two rungs sends itself at its own size as its
 * top layer (480 lines: 180, 360 and 480). A picture is never scaled up. One layer ({@link #SINGLE}) is the camera as it is, at
 * the encoding's own bitrate and the camera's rate, as before simulcast.
 *
 * @param ladder       the rungs, ascending heights (default {@link #DEFAULT_LADDER})
 * @param maxLayers    1..{@link MediaHeader#MAX_LAYERS}
 * @param sourceHeight the camera's height the layers are chosen for (known before the first picture,
 *                     because the hello announces the layers)
 */
public record Simulcast(List<Layer> ladder, int maxLayers, int sourceHeight) {
    /**
     * One rung: pictures scaled to {@code height} lines (width by the source's aspect ratio), encoded
     * at {@code bitrate} bit/s and at most {@code fps} frames a second.
     */
    public record Layer(int height, int bitrate, int fps) {
        public Layer {
            if (height < 2 || height > SimulcastLayers.MAX_HEIGHT) {
                throw new IllegalArgumentException("layer height " + height + " is outside 2.." + SimulcastLayers.MAX_HEIGHT);
            }
            if (bitrate < 50_000 || bitrate > 20_000_000) {
                throw new IllegalArgumentException("layer bitrate " + bitrate + " is outside 50 kbit/s..20 Mbit/s");
            }
            if (fps < 1 || fps > 120) {
                throw new IllegalArgumentException("layer fps " + fps + " is outside 1..120");
            }
        }
    }

    /** 320x180 at 150 kbit/s and 15 fps, 640x360 at 500 kbit/s and 30 fps, 1280x720 at 1.5 Mbit/s and 30 fps. */
    public static final List<Layer> DEFAULT_LADDER = List.of(
            new Layer(SimulcastLayers.DEFAULT_HEIGHTS.get(0), 150_000, 15),
            new Layer(SimulcastLayers.DEFAULT_HEIGHTS.get(1), 500_000, 30),
            new Layer(SimulcastLayers.DEFAULT_HEIGHTS.get(2), 1_500_000, 30));
    public static final int DEFAULT_SOURCE_HEIGHT = 720;
    /** The camera as it is, one layer. */
    public static final Simulcast SINGLE = new Simulcast(DEFAULT_LADDER, 1, DEFAULT_SOURCE_HEIGHT);

    public Simulcast {
        if (ladder == null || ladder.isEmpty() || ladder.size() > MediaHeader.MAX_LAYERS) {
            throw new IllegalArgumentException("a simulcast ladder has 1 to " + MediaHeader.MAX_LAYERS + " rungs");
        }
        ladder = List.copyOf(ladder);
        for (int i = 1; i < ladder.size(); i++) {
            if (ladder.get(i).height() <= ladder.get(i - 1).height()) {
                throw new IllegalArgumentException("simulcast ladder heights must ascend: " + heights(ladder));
            }
        }
        if (maxLayers < 1 || maxLayers > MediaHeader.MAX_LAYERS) {
            throw new IllegalArgumentException("layers " + maxLayers + " is outside 1.." + MediaHeader.MAX_LAYERS);
        }
        if (sourceHeight < 2 || sourceHeight > SimulcastLayers.MAX_HEIGHT) {
            throw new IllegalArgumentException("source height " + sourceHeight + " is outside 2.."
                    + SimulcastLayers.MAX_HEIGHT);
        }
    }

    /** Up to {@code maxLayers} of the default ladder for a camera {@code sourceHeight} lines tall. */
    public static Simulcast of(int maxLayers, int sourceHeight) {
        return new Simulcast(DEFAULT_LADDER, maxLayers, sourceHeight);
    }

    /** True when the camera is sent as it is, one layer. */
    public boolean single() {
        return maxLayers == 1;
    }

    /**
     * The layers sent, smallest first ({@link SimulcastLayers#forSource}); empty for {@link #single()}.
     * A source below the smallest rung sends that rung's bitrate and rate at its own height.
     */
    public List<Layer> layers() {
        if (single()) {
            return List.of();
        }
        List<Integer> chosen = SimulcastLayers.forSource(heights(ladder), sourceHeight, maxLayers);
        List<Layer> out = new ArrayList<>();
        for (int h : chosen) {
            Layer rung = ladder.stream().filter(l -> l.height() == h).findFirst().orElse(null);
            out.add(rung != null ? rung : new Layer(h, ladder.get(0).bitrate(), ladder.get(0).fps()));
        }
        // A camera between two rungs (480 lines between 360 and 720) also sends itself at its own
        // size, at the next rung's rate, while a layer is left: the largest tile gets every line it has.
        int top = out.get(out.size() - 1).height();
        Layer next = ladder.stream().filter(l -> l.height() > sourceHeight).findFirst().orElse(null);
        if (out.size() < Math.min(maxLayers, MediaHeader.MAX_LAYERS) && sourceHeight > top && next != null) {
            out.add(new Layer(sourceHeight, next.bitrate(), next.fps()));
        }
        return List.copyOf(out);
    }

    /** What the hello announces ({@code hello.layers}): the heights sent, or null for one layer of the camera's size. */
    public List<Integer> announcedHeights() {
        return single() ? null : heights(layers());
    }

    public Simulcast withMaxLayers(int layers) {
        return new Simulcast(ladder, layers, sourceHeight);
    }

    public Simulcast withSourceHeight(int height) {
        return new Simulcast(ladder, maxLayers, height);
    }

    public Simulcast withLadder(List<Layer> rungs) {
        return new Simulcast(rungs, maxLayers, sourceHeight);
    }

    private static List<Integer> heights(List<Layer> layers) {
        return layers.stream().map(Layer::height).toList();
    }
}
