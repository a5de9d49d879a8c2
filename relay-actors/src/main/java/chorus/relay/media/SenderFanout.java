package chorus.relay.media;

import chorus.protocol.media.MediaKind;
import java.net.InetSocketAddress;
import org.agrona.collections.Int2IntHashMap;

/**
 * Where one sender's video goes from this node, as its room's subscriptions decide: each receiver
 * here with the camera layer it is to get ({@code -1}: none) and whether it takes the sender's
 * screen, and each peer node with the layers a member there subscribes to (a
 * {@code chorus.relay.subscription.LayerMask}). Immutable, replaced whole on every change; the
 * gateway switches each receiver to a new layer at that layer's next keyframe ({@link LayerSwitches}).
 *
 * @param receivers   media ids of the receivers here, each once
 * @param addresses   their learned video addresses, by index
 * @param cameraLayer the camera layer each is to get, or -1
 * @param screen      whether each takes the sender's screen (forwarded only while it presents)
 * @param peers       peer nodes that want any of it
 * @param peerMasks   the layers each peer wants, by index
 */
public record SenderFanout(int[] receivers, InetSocketAddress[] addresses, byte[] cameraLayer, boolean[] screen,
                           MediaRoute.Peer[] peers, int[] peerMasks) {
    public static final SenderFanout EMPTY = new SenderFanout(new int[0], new InetSocketAddress[0], new byte[0],
            new boolean[0], new MediaRoute.Peer[0], new int[0]);

    public SenderFanout {
        if (addresses.length != receivers.length || cameraLayer.length != receivers.length
                || screen.length != receivers.length || peerMasks.length != peers.length) {
            throw new IllegalArgumentException("a sender fan-out's arrays differ in length");
        }
    }

    /** Whether {@code receiver} is to get any of the sender's {@code kind} (a camera layer, or its screen). */
    boolean wants(int receiver, MediaKind kind) {
        for (int i = 0; i < receivers.length; i++) {
            if (receivers[i] == receiver) {
                return kind == MediaKind.SCREEN ? screen[i] : cameraLayer[i] >= 0;
            }
        }
        return false;
    }

    /**
     * The streams (a {@link LayerMask}) that someone in {@code next} wants and did not get from this
     * fan-out: a receiver's new camera layer or screen, a peer node's new layers.
     */
    int gainedBy(SenderFanout next) {
        if (next == this || next.receivers.length == 0 && next.peers.length == 0) {
            return LayerMask.NONE;
        }
        Int2IntHashMap had = new Int2IntHashMap(Math.max(8, receivers.length * 2), 0.65f, LayerMask.NONE);
        for (int i = 0; i < receivers.length; i++) {
            had.put(receivers[i], mask(i));
        }
        int gained = LayerMask.NONE;
        for (int i = 0; i < next.receivers.length; i++) {
            gained |= next.mask(i) & ~had.get(next.receivers[i]);
        }
        for (int p = 0; p < next.peers.length; p++) {
            gained |= next.peerMasks[p] & ~peerMask(next.peers[p]);
        }
        return gained;
    }

    /** What receiver {@code i} is to get, as a {@link LayerMask}. */
    private int mask(int i) {
        return (cameraLayer[i] >= 0 ? LayerMask.camera(cameraLayer[i]) : LayerMask.NONE)
                | (screen[i] ? LayerMask.SCREEN : LayerMask.NONE);
    }

    /** The layers wanted by the peer whose traffic counters are {@code peer}'s, or 0. */
    int peerMask(MediaRoute.Peer peer) {
        for (int i = 0; i < peers.length; i++) {
            if (peers[i].traffic() == peer.traffic()) {
                return peerMasks[i];
            }
        }
        return 0;
    }
}
