package chorus.relay.subscription;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chorus.protocol.control.ControlMessage.LastN;
import chorus.protocol.control.ControlMessage.Source;
import chorus.protocol.control.ControlMessage.Subscribe;
import chorus.relay.media.LayerMask;
import chorus.relay.media.MediaRoute;
import chorus.relay.media.SenderFanout;
import chorus.relay.metrics.RelayStats;
import chorus.relay.subscription.ForwardingPlan.Receiver;
import chorus.relay.subscription.ForwardingPlan.Sender;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions turned into fan-outs: the default (every camera at its largest layer, the
 * presenter's screen), named sources, last-N following the speakers and filled in room order, the
 * larger layer for a member in both, layers clamped to what a sender sends; peer nodes get only
 * what they asked for; and the summaries told to other nodes and to senders (dynacast).
 */
class ForwardingPlanTest {
    private static final String HERE = "node-a";
    private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 40000);
    private static final MediaRoute.Peer[] NO_PEERS = new MediaRoute.Peer[0];
    // Ada (1) and Bob (2) here, three layers each; Cy (3) here with one; Dee (4) on node-b with three.
    private static final List<Sender> ROOM = List.of(
            new Sender(1, "ada", 3, HERE), new Sender(2, "bob", 3, HERE), new Sender(3, "cy", 1, HERE),
            new Sender(4, "dee", 3, "node-b"));

    private static ForwardingPlan plan(List<Receiver> receivers, int presenter, List<Integer> speakers) {
        return ForwardingPlan.build(ROOM, receivers, presenter, speakers, HERE, NO_PEERS, Map.of());
    }

    /** Receiver {@code receiver}'s camera layer in {@code sender}'s fan-out, or -1 when it is not in it. */
    private static int layerOf(ForwardingPlan plan, int sender, int receiver) {
        SenderFanout f = plan.fanouts().get(sender);
        for (int i = 0; i < f.receivers().length; i++) {
            if (f.receivers()[i] == receiver) {
                return f.cameraLayer()[i];
            }
        }
        return -1;
    }

    @Test
    void withoutASubscriptionEveryOtherCameraComesAtItsLargestLayer() {
        ForwardingPlan plan = plan(List.of(new Receiver(1, ADDRESS, null)), 0, List.of());
        assertEquals(-1, layerOf(plan, 1, 1), "not its own");
        assertEquals(2, layerOf(plan, 2, 1));
        assertEquals(0, layerOf(plan, 3, 1), "Cy sends one layer");
        assertEquals(2, layerOf(plan, 4, 1), "a remote member's too");
        assertEquals(LayerMask.camera(2), plan.wanted(2), "so only Bob's largest layer is wanted of him");
        assertEquals(Map.of(4, LayerMask.camera(2)), plan.wantsByNode().get("node-b"), "and asked of node-b");
    }

    @Test
    void namedSourcesAreAllThatComesAndTheScreenOnlyWhileItsMemberPresents() {
        Subscribe s = new Subscribe(List.of(Source.camera("bob", 0), Source.screen("cy"), Source.screen("bob")), null);
        ForwardingPlan plan = plan(List.of(new Receiver(1, ADDRESS, s)), 2, List.of());
        assertEquals(0, layerOf(plan, 2, 1));
        assertArrayEquals(new boolean[] {true}, plan.fanouts().get(2).screen(), "Bob presents: his screen comes");
        assertEquals(0, plan.fanouts().get(3).receivers().length, "Cy does not present: nothing of hers");
        assertEquals(0, plan.fanouts().get(4).receivers().length, "Dee is on no tile");
        assertEquals(LayerMask.camera(0) | LayerMask.SCREEN, plan.wanted(2));
        assertEquals(LayerMask.NONE, plan.wanted(1), "nobody watches Ada: her camera can pause");
        assertEquals(Map.of(), plan.wantsByNode().get("node-b"), "node-b is told nothing of Dee is wanted");
    }

    @Test
    void lastNFollowsTheSpeakersFillsInRoomOrderAndTakesTheLargerLayerOfAMemberInBoth() {
        Subscribe s = new Subscribe(List.of(Source.camera("dee", 0)), new LastN(2, 2));
        Receiver ada = new Receiver(1, ADDRESS, s);
        ForwardingPlan speakersDee = plan(List.of(ada), 0, List.of(4, 1, 3));
        assertEquals(2, layerOf(speakersDee, 4, 1), "Dee speaks most: her larger layer");
        assertEquals(0, layerOf(speakersDee, 3, 1), "then Cy (Ada herself skipped), clamped to her one layer");
        assertEquals(-1, layerOf(speakersDee, 2, 1), "Bob is neither named nor among the two");
        ForwardingPlan nobodySpoke = plan(List.of(ada), 0, List.of());
        assertEquals(2, layerOf(nobodySpoke, 2, 1), "before anyone speaks, the first others in room order");
        assertEquals(0, layerOf(nobodySpoke, 3, 1));
        assertEquals(0, layerOf(nobodySpoke, 4, 1), "and Dee at the layer her tile asks");
    }

    @Test
    void aPeerNodeGetsWhatItsMembersAskForAndThatCountsAsWanted() {
        MediaRoute.Peer nodeB = new MediaRoute.Peer(ADDRESS, ADDRESS, new RelayStats().peer("node-b"));
        MediaRoute.Peer nodeC = new MediaRoute.Peer(ADDRESS, ADDRESS, new RelayStats().peer("node-c"));
        Map<String, Map<Integer, Integer>> peerWants = Map.of("node-b", Map.of(1, LayerMask.camera(0) | LayerMask.camera(2)));
        ForwardingPlan plan = ForwardingPlan.build(ROOM, List.of(), 0, List.of(), HERE, new MediaRoute.Peer[] {nodeB, nodeC},
                peerWants);
        SenderFanout ada = plan.fanouts().get(1);
        assertEquals(1, ada.peers().length, "node-c has no subscriber to Ada: it gets none of her datagrams");
        assertEquals(nodeB, ada.peers()[0]);
        assertArrayEquals(new int[] {LayerMask.camera(0) | LayerMask.camera(2)}, ada.peerMasks());
        assertEquals(0, plan.fanouts().get(2).peers().length, "nor of Bob's, whom nobody asked for");
        assertEquals(LayerMask.camera(0) | LayerMask.camera(2), plan.wanted(1), "Ada keeps layers 0 and 2, pauses 1");
        assertEquals(0, plan.fanouts().get(4).peers().length, "a remote sender's video is never passed on");
    }
}
