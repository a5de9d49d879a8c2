package chorus.client.ui;

import chorus.protocol.control.ControlMessage.Source;
import chorus.protocol.control.ControlMessage.Subscribe;
import chorus.protocol.media.SimulcastLayers;
import java.util.ArrayList;
import java.util.List;

/**
 * What the app asks the relay to forward, from what it shows: a camera source per visible tile of
 * another participant, at the smallest layer at least as tall as the tile (a thumbnail always at
 * layer 0), and the presenter's screen while it is shown. Pure: no Swing, no sockets.
 */
final class TileSubscription {
    /**
     * A tile on the screen: whose it is, the heights of the layers they send (null: one), how
     * tall it is in pixels, and whether it is a thumbnail (speaker view's strip: layer 0 whatever
     * its size).
     */
    record ShownTile(String participantId, List<Integer> layers, int heightPixels, boolean thumbnail) {
        int layer() {
            return thumbnail ? 0 : SimulcastLayers.forHeight(layers, heightPixels);
        }
    }

    private TileSubscription() {
    }

    /** The subscription for {@code tiles} (in order, each participant once) and the screen of {@code presenterId} (null: none shown). */
    static Subscribe of(List<ShownTile> tiles, String presenterId) {
        List<Source> sources = new ArrayList<>(tiles.size() + 1);
        for (ShownTile tile : tiles) {
            sources.add(Source.camera(tile.participantId(), tile.layer()));
        }
        if (presenterId != null) {
            sources.add(Source.screen(presenterId));
        }
        return new Subscribe(List.copyOf(sources), null);
    }
}
