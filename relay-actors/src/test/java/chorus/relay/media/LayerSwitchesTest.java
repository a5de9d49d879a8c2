package chorus.relay.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.media.MediaKind;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * Layer switching at the relay, datagram by datagram: a receiver starts and moves to another layer
 * only at fragment 0 of that layer's keyframe, keeps the layer it is on meanwhile, and its sender
 * is asked for the keyframe it waits for; a new fan-out keeps each staying receiver's layer.
 */
class LayerSwitchesTest {
    private static final int SENDER = 7;
    private final Map<Integer, AtomicLongArray> counters = new HashMap<>();
    private final LayerSwitches.Counters lookup = (receiver, sender) ->
            counters.computeIfAbsent(receiver, r -> new AtomicLongArray(LayerSwitches.SLOTS));

    private static SenderFanout fanout(int[] receivers, int[] layers, boolean[] screen) {
        InetSocketAddress[] to = new InetSocketAddress[receivers.length];
        byte[] camera = new byte[receivers.length];
        for (int i = 0; i < receivers.length; i++) {
            to[i] = new InetSocketAddress("127.0.0.1", 40000 + i);
            camera[i] = (byte) layers[i];
        }
        return new SenderFanout(receivers, to, camera, screen, new MediaRoute.Peer[0], new int[0]);
    }

    @Test
    void aReceiverStartsAtAKeyframeOfItsLayerAndOnlyGetsThatLayer() {
        LayerSwitches switches = new LayerSwitches(SENDER);
        switches.follow(fanout(new int[] {1}, new int[] {1}, new boolean[] {false}), lookup);
        assertFalse(switches.forwards(0, MediaKind.VIDEO, 1, false), "mid-stream: nothing to decode against");
        assertEquals(LayerMask.camera(1), switches.takePending(), "so the sender is asked for layer 1's keyframe");
        assertFalse(switches.forwards(0, MediaKind.VIDEO, 0, true), "another layer's keyframe is not its layer");
        assertTrue(switches.forwards(0, MediaKind.VIDEO, 1, true), "fragment 0 of a layer-1 keyframe starts it");
        switches.takePending();
        assertTrue(switches.forwards(0, MediaKind.VIDEO, 1, false), "and the rest of the stream follows");
        assertFalse(switches.forwards(0, MediaKind.VIDEO, 2, true), "never another layer");
        assertEquals(LayerMask.NONE, switches.takePending(), "it waits for nothing now");
        assertEquals(2, counters.get(1).get(1), "counted on its layer");
        assertEquals(0, counters.get(1).get(2));
        assertTrue(switches.isOn(1, MediaKind.VIDEO, 1));
        assertFalse(switches.isOn(1, MediaKind.VIDEO, 2), "a NACK for layer 2 is not its to answer");
    }

    @Test
    void aSwitchKeepsTheOldLayerUntilTheNewLayersKeyframeAndKeepsStayingReceiversAsTheyAre() {
        LayerSwitches switches = new LayerSwitches(SENDER);
        switches.follow(fanout(new int[] {1, 2}, new int[] {0, 0}, new boolean[] {false, false}), lookup);
        assertTrue(switches.forwards(0, MediaKind.VIDEO, 0, true));
        assertTrue(switches.forwards(1, MediaKind.VIDEO, 0, true));
        // Receiver 1 moves to layer 2 (its tile grew); receiver 2 stays; receiver 3 arrives.
        switches.follow(fanout(new int[] {3, 2, 1}, new int[] {0, 0, 2}, new boolean[] {false, false, false}), lookup);
        assertTrue(switches.forwards(2, MediaKind.VIDEO, 0, false), "until layer 2 starts, receiver 1 keeps layer 0");
        assertFalse(switches.forwards(2, MediaKind.VIDEO, 2, false), "not mid-frame of layer 2");
        assertTrue(switches.forwards(1, MediaKind.VIDEO, 0, false), "receiver 2 stays on layer 0 with no new keyframe");
        assertFalse(switches.forwards(0, MediaKind.VIDEO, 0, false), "the newcomer waits for a keyframe");
        assertEquals(LayerMask.camera(2) | LayerMask.camera(0), switches.takePending());
        assertTrue(switches.forwards(2, MediaKind.VIDEO, 2, true), "layer 2's keyframe moves receiver 1");
        assertFalse(switches.forwards(2, MediaKind.VIDEO, 0, false), "and layer 0 stops for it at once");
        assertTrue(switches.isOn(1, MediaKind.VIDEO, 2));
    }

    @Test
    void aReceiverThatStopsWantingTheCameraStartsAgainAtAKeyframe() {
        LayerSwitches switches = new LayerSwitches(SENDER);
        switches.follow(fanout(new int[] {1}, new int[] {0}, new boolean[] {false}), lookup);
        assertTrue(switches.forwards(0, MediaKind.VIDEO, 0, true));
        switches.follow(fanout(new int[] {1}, new int[] {-1}, new boolean[] {false}), lookup);
        assertFalse(switches.forwards(0, MediaKind.VIDEO, 0, false), "its tile went: nothing");
        assertEquals(LayerMask.NONE, switches.takePending(), "and nothing is asked for it");
        switches.follow(fanout(new int[] {1}, new int[] {0}, new boolean[] {false}), lookup);
        assertFalse(switches.forwards(0, MediaKind.VIDEO, 0, false), "back on the page: from a keyframe, not mid-stream");
        assertTrue(switches.forwards(0, MediaKind.VIDEO, 0, true));
    }

    @Test
    void aScreenStartsAtAKeyframeAndGoesOnlyToThoseWhoTakeIt() {
        LayerSwitches switches = new LayerSwitches(SENDER);
        switches.follow(fanout(new int[] {1, 2}, new int[] {0, -1}, new boolean[] {false, true}), lookup);
        assertFalse(switches.forwards(0, MediaKind.SCREEN, 0, true), "receiver 1 does not take the screen");
        assertFalse(switches.forwards(1, MediaKind.SCREEN, 0, false));
        assertEquals(LayerMask.SCREEN, switches.takePending());
        assertTrue(switches.forwards(1, MediaKind.SCREEN, 0, true));
        assertTrue(switches.forwards(1, MediaKind.SCREEN, 0, false));
        assertFalse(switches.forwards(1, MediaKind.VIDEO, 0, true), "its camera is not subscribed");
        assertEquals(2, counters.get(2).get(LayerSwitches.SCREEN_SLOT));
    }
}
