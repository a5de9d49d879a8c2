package chorus.relay.media;

import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of one sender's streams as bits of an int: camera layer {@code l} is bit {@code l}
 * (0..{@value MediaHeader#MAX_LAYERS}-1), the screen the bit above them. What a peer node
 * subscribes to of a sender, and what a sender is told anyone wants (dynacast).
 */
public final class LayerMask {
    public static final int NONE = 0;
    public static final int SCREEN = 1 << MediaHeader.MAX_LAYERS;
    /** Every camera layer and the screen. */
    public static final int ALL = (SCREEN << 1) - 1;

    private LayerMask() {
    }

    public static int camera(int layer) {
        return 1 << layer;
    }

    /** The bit of a datagram's stream: its camera layer, or the screen. */
    public static int of(MediaKind kind, int layer) {
        return kind == MediaKind.SCREEN ? SCREEN : camera(layer);
    }

    /** The camera layers in {@code mask}, smallest first. */
    public static List<Integer> cameraLayers(int mask) {
        List<Integer> layers = new ArrayList<>(MediaHeader.MAX_LAYERS);
        for (int l = 0; l < MediaHeader.MAX_LAYERS; l++) {
            if ((mask & camera(l)) != 0) {
                layers.add(l);
            }
        }
        return layers;
    }

    /** The largest camera layer in {@code mask}, or -1 for none. */
    public static int highestCamera(int mask) {
        for (int l = MediaHeader.MAX_LAYERS - 1; l >= 0; l--) {
            if ((mask & camera(l)) != 0) {
                return l;
            }
        }
        return -1;
    }

    public static boolean screen(int mask) {
        return (mask & SCREEN) != 0;
    }
}
