package chorus.relay.subscription;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.Source;
import chorus.relay.media.LayerMask;
import chorus.relay.media.MediaRoute;
import chorus.relay.media.SenderFanout;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;

/**
 * A room part's subscriptions turned into what the gateway forwards by: for each sender of the
 * room (connected here or to another node), the receivers here with the camera layer each gets and
 * whether it takes the screen, and the peer nodes with the layers their members subscribe to
 * (their {@code NodeWants}); and the summaries this part tells others: per other node, the layers
 * of its senders wanted here ({@link #wantsByNode}), and per sender here, the layers anyone wants
 * ({@link #wanted}, dynacast).
 *
 * <p>A receiver with no subscription gets every camera at its largest layer and the presenter's
 * screen (the default). One with a subscription gets its sources (each camera at the layer named,
 * the screen while that member presents) and last-N: the N most recent speakers, dominant first,
 * filled in room order while fewer have spoken, never itself; a member in both goes at the larger
 * layer. A layer is clamped to what its sender sends. Built on the room's actor, O(receivers here x
 * what each subscribes to).
 */
public final class ForwardingPlan {

    /** A member of the room that may send video, in room order; {@code node} is its home node. */
    public record Sender(int mediaId, String participantId, int layerCount, String node) {
    }

    /**
     * A member here that receives video: its learned video address and its subscription (null:
     * the default).
     */
    public record Receiver(int mediaId, InetSocketAddress video, ControlMessage.Subscribe subscription) {
    }

    private final Map<Integer, SenderFanout> fanouts;
    private final Int2IntHashMap wanted;
    private final Map<String, Map<Integer, Integer>> wantsByNode;

    private ForwardingPlan(Map<Integer, SenderFanout> fanouts, Int2IntHashMap wanted,
                           Map<String, Map<Integer, Integer>> wantsByNode) {
        this.fanouts = fanouts;
        this.wanted = wanted;
        this.wantsByNode = wantsByNode;
    }

    /**
     * @param senders        the room's members in room order
     * @param receivers      the members here that receive video
     * @param presenter      the presenter's media id (or the relay's 0: nobody)
     * @param recentSpeakers media ids, dominant first
     * @param here           this node's name: senders whose node it is are local
     * @param peers          the other nodes with members in the room
     * @param peerWants      per peer node (by name), the layers of this node's senders it wants
     */
    public static ForwardingPlan build(List<Sender> senders, List<Receiver> receivers, int presenter,
                                       List<Integer> recentSpeakers, String here, MediaRoute.Peer[] peers,
                                       Map<String, Map<Integer, Integer>> peerWants) {
        Map<String, Sender> byParticipant = new HashMap<>();
        Int2ObjectHashMap<Sender> byMediaId = new Int2ObjectHashMap<>();
        for (Sender s : senders) {
            byParticipant.put(s.participantId(), s);
            byMediaId.put(s.mediaId(), s);
        }
        Int2ObjectHashMap<Builder> builders = new Int2ObjectHashMap<>();
        Int2IntHashMap wanted = new Int2IntHashMap(LayerMask.NONE);
        for (Receiver r : receivers) {
            Int2IntHashMap wants = wants(r, senders, byParticipant, byMediaId, presenter, recentSpeakers);
            wants.intForEach((sender, mask) -> {
                builders.computeIfAbsent(sender, k -> new Builder()).add(r, mask);
                wanted.put(sender, wanted.get(sender) | mask);
            });
        }
        Map<String, Map<Integer, Integer>> wantsByNode = new LinkedHashMap<>();
        Map<Integer, SenderFanout> fanouts = new HashMap<>();
        for (Sender s : senders) {
            boolean local = s.node().equals(here);
            if (!local) {
                int mask = wanted.get(s.mediaId());
                Map<Integer, Integer> ofNode = wantsByNode.computeIfAbsent(s.node(), n -> new LinkedHashMap<>());
                if (mask != LayerMask.NONE) {
                    ofNode.put(s.mediaId(), mask);
                }
            }
            List<MediaRoute.Peer> toPeers = new ArrayList<>();
            List<Integer> masks = new ArrayList<>();
            if (local) {
                for (MediaRoute.Peer peer : peers) {
                    Map<Integer, Integer> theirs = peerWants.get(peer.traffic().node());
                    int mask = theirs == null ? LayerMask.NONE : theirs.getOrDefault(s.mediaId(), LayerMask.NONE);
                    if (mask != LayerMask.NONE) {
                        toPeers.add(peer);
                        masks.add(mask);
                        wanted.put(s.mediaId(), wanted.get(s.mediaId()) | mask);
                    }
                }
            }
            Builder b = builders.get(s.mediaId());
            fanouts.put(s.mediaId(), b == null && toPeers.isEmpty() ? SenderFanout.EMPTY
                    : (b == null ? new Builder() : b).build(toPeers, masks));
        }
        return new ForwardingPlan(fanouts, wanted, wantsByNode);
    }

    /** What receiver {@code r} is to get, by sender media id: a {@link LayerMask} with at most one camera layer. */
    private static Int2IntHashMap wants(Receiver r, List<Sender> senders, Map<String, Sender> byParticipant,
                                        Int2ObjectHashMap<Sender> byMediaId, int presenter, List<Integer> recent) {
        Int2IntHashMap wants = new Int2IntHashMap(LayerMask.NONE);
        ControlMessage.Subscribe sub = r.subscription();
        if (sub == null) {
            for (Sender s : senders) {
                if (s.mediaId() != r.mediaId()) {
                    wants.put(s.mediaId(), LayerMask.camera(s.layerCount() - 1)
                            | (s.mediaId() == presenter ? LayerMask.SCREEN : LayerMask.NONE));
                }
            }
            return wants;
        }
        for (Source source : sub.sources()) {
            Sender s = byParticipant.get(source.participantId());
            if (s == null || s.mediaId() == r.mediaId()) {
                continue; // left since it was checked
            }
            if (Source.SCREEN.equals(source.kind())) {
                if (s.mediaId() == presenter) {
                    wants.put(s.mediaId(), wants.get(s.mediaId()) | LayerMask.SCREEN);
                }
            } else {
                camera(wants, s, source.layer());
            }
        }
        ControlMessage.LastN lastN = sub.lastN();
        if (lastN != null && lastN.count() > 0) {
            IntHashSet picked = new IntHashSet();
            for (int id : recent) {
                Sender s = byMediaId.get(id);
                if (picked.size() < lastN.count() && s != null && id != r.mediaId() && picked.add(id)) {
                    camera(wants, s, lastN.layer());
                }
            }
            for (int i = 0; i < senders.size() && picked.size() < lastN.count(); i++) {
                Sender s = senders.get(i);
                if (s.mediaId() != r.mediaId() && picked.add(s.mediaId())) {
                    camera(wants, s, lastN.layer());
                }
            }
        }
        return wants;
    }

    /** Wants {@code s}'s camera at {@code layer} (clamped to its layers), or the larger layer already wanted. */
    private static void camera(Int2IntHashMap wants, Sender s, int layer) {
        int was = wants.get(s.mediaId());
        int wasLayer = LayerMask.highestCamera(was);
        int now = Math.max(wasLayer, Math.min(layer, s.layerCount() - 1));
        wants.put(s.mediaId(), (was & LayerMask.SCREEN) | LayerMask.camera(now));
    }

    /** Each sender's fan-out, for every sender of the room. */
    public Map<Integer, SenderFanout> fanouts() {
        return fanouts;
    }

    /** The layers of {@code sender} anyone wants, here or on a peer node (a {@link LayerMask}). */
    public int wanted(int sender) {
        return wanted.get(sender);
    }

    /** Per other node with senders in the room: the layers of each of them that receivers here want (none: left out). */
    public Map<String, Map<Integer, Integer>> wantsByNode() {
        return wantsByNode;
    }

    /** One sender's receivers here, as they are found. */
    private static final class Builder {
        private final List<Integer> receivers = new ArrayList<>();
        private final List<InetSocketAddress> addresses = new ArrayList<>();
        private final List<Integer> layers = new ArrayList<>();
        private final List<Boolean> screen = new ArrayList<>();

        void add(Receiver r, int mask) {
            receivers.add(r.mediaId());
            addresses.add(r.video());
            layers.add(LayerMask.highestCamera(mask));
            screen.add(LayerMask.screen(mask));
        }

        SenderFanout build(List<MediaRoute.Peer> peers, List<Integer> peerMasks) {
            int n = receivers.size();
            int[] ids = new int[n];
            byte[] camera = new byte[n];
            boolean[] screens = new boolean[n];
            for (int i = 0; i < n; i++) {
                ids[i] = receivers.get(i);
                camera[i] = (byte) (int) layers.get(i);
                screens[i] = screen.get(i);
            }
            return new SenderFanout(ids, addresses.toArray(new InetSocketAddress[0]), camera, screens,
                    peers.toArray(new MediaRoute.Peer[0]), peerMasks.stream().mapToInt(Integer::intValue).toArray());
        }
    }
}
