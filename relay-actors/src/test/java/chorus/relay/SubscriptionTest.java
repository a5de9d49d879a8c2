package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.Source;
import chorus.protocol.control.ControlMessage.Subscribe;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.KeyframeRequest;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.relay.metrics.Limit;
import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relay forwards by subscription, seen from raw protocol clients on loopback: a receiver gets
 * only the layer it asks of each sender (relay counters and what arrives), moves to another layer
 * at that layer's keyframe after the relay asks the sender for one; senders that announce layers
 * are told which are wanted (dynacast); bad subscriptions change nothing, and too many or too
 * often are capped and limited.
 */
class SubscriptionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final List<Integer> THREE = List.of(180, 360, 720);
    private static RelayNode relay;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay.limits { max-subscribed-streams = 2, subscribe-rate = 2, subscribe-burst = 5 }"));
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    private static String room() {
        return "subscription-" + System.nanoTime();
    }

    private static RawClient join(String room, String name, List<Integer> layers) throws Exception {
        ControlMessage.Hello hello = new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, name, room, "raw-test");
        RawClient c = RawClient.join(new RawClient(relay.controlAddress()), layers == null ? hello : hello.withLayers(layers));
        c.openMedia();
        return c;
    }

    private static String id(RawClient c) {
        return c.welcome.participantId();
    }

    /** One frame of each of {@code layers}, each a keyframe when {@code keyframe}; returns the datagrams per layer. */
    private static int[] sendLayers(RawClient sender, Fragmenter[] layers, boolean keyframe, int seed) {
        int[] datagrams = new int[layers.length];
        for (int l = 0; l < layers.length; l++) {
            byte[] frame = new byte[1500 + 1000 * l];
            java.util.Arrays.fill(frame, (byte) (seed + l));
            int[] n = {0};
            layers[l].send(frame, 0, frame.length, seed * 3000L, keyframe ? MediaHeader.FLAG_KEYFRAME : 0, d -> {
                n[0]++;
                sender.sendVideoDatagram(d);
            });
            datagrams[l] = n[0];
        }
        return datagrams;
    }

    private static Fragmenter[] fragmenters(RawClient sender) {
        Fragmenter[] f = new Fragmenter[3];
        for (int l = 0; l < 3; l++) {
            f[l] = new Fragmenter(MediaKind.VIDEO, sender.welcome.mediaId(), Codec.H264, l);
        }
        return f;
    }

    /** The layers of the video datagrams {@code c} receives until none comes for a while, by layer. */
    private static int[] receivedLayers(RawClient c) throws Exception {
        int[] byLayer = new int[3];
        ByteBuffer b;
        while ((b = Udp.receive(c.video, QUIET)) != null) {
            ByteBuffer clear = c.openVideo(b);
            if (clear != null && MediaHeader.kind(clear, 0) == MediaKind.VIDEO) {
                byLayer[MediaHeader.layer(clear, 0)]++;
            }
        }
        return byLayer;
    }

    private static ControlMessage.LayersWanted wanted(RawClient sender, List<Integer> camera) throws Exception {
        return sender.await(ControlMessage.LayersWanted.class, w -> w.camera().equals(camera), WAIT);
    }

    private static long[] forwarded(RawClient receiver, RawClient sender) {
        Map<Integer, long[]> all = relay.gateway().forwardedTo(receiver.welcome.mediaId());
        return all.getOrDefault(sender.welcome.mediaId(), new long[4]);
    }

    @Test
    void eachReceiverGetsOnlyTheLayerItAsksForAndMovesAtTheNewLayersKeyframe() throws Exception {
        String room = room();
        try (RawClient ada = join(room, "Ada", THREE); RawClient bob = join(room, "Bob", null);
             RawClient cy = join(room, "Cy", null)) {
            wanted(ada, List.of(2)); // Bob and Cy show everyone at the largest layer until they say otherwise
            cy.send(new Subscribe(List.of(Source.camera(id(ada), 1)), null));
            wanted(ada, List.of(1, 2));
            Fragmenter[] layers = fragmenters(ada);
            int[] sent = sendLayers(ada, layers, true, 1);
            int[] cyGot = receivedLayers(cy);
            int[] bobGot = receivedLayers(bob);
            assertEquals(List.of(0, sent[1], 0), List.of(cyGot[0], cyGot[1], cyGot[2]), "Cy gets layer 1 only");
            assertEquals(List.of(0, 0, sent[2]), List.of(bobGot[0], bobGot[1], bobGot[2]), "Bob the largest only");
            long[] counted = forwarded(cy, ada);
            assertEquals(List.of(0L, (long) sent[1], 0L, 0L), List.of(counted[0], counted[1], counted[2], counted[3]),
                    "the relay's counters say the same");

            cy.send(new Subscribe(List.of(Source.camera(id(ada), 0)), null));
            wanted(ada, List.of(0, 2));
            ByteBuffer ask = awaitKeyframeRequest(ada, 0);
            assertEquals(MediaKind.VIDEO, KeyframeRequest.targetKind(ask), "Ada is asked for a keyframe of the layer Cy moves to");
            int[] midStream = sendLayers(ada, layers, false, 2);
            int[] beforeSwitch = receivedLayers(cy);
            assertEquals(List.of(0, midStream[1], 0), List.of(beforeSwitch[0], beforeSwitch[1], beforeSwitch[2]),
                    "until layer 0's keyframe Cy keeps layer 1: no picture is lost while it switches");
            int[] keyframes = sendLayers(ada, layers, true, 3);
            int[] afterSwitch = receivedLayers(cy);
            assertEquals(List.of(keyframes[0], 0, 0), List.of(afterSwitch[0], afterSwitch[1], afterSwitch[2]),
                    "from layer 0's keyframe on, layer 0 only");
        }
    }

    private static ByteBuffer awaitKeyframeRequest(RawClient sender, int layer) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            ByteBuffer b = Udp.receive(sender.video, QUIET);
            ByteBuffer clear = b == null ? null : sender.openVideo(b);
            if (clear != null && MediaHeader.kind(clear, 0) == MediaKind.KEYFRAME_REQUEST
                    && KeyframeRequest.targetLayer(clear) == layer) {
                return clear;
            }
        }
        throw new AssertionError("no keyframe request for layer " + layer + " within " + WAIT);
    }

    @Test
    void aCameraNobodyWatchesIsToldToPauseAndToResumeWhenSomeoneSubscribes() throws Exception {
        String room = room();
        try (RawClient ada = join(room, "Ada", THREE)) {
            assertEquals(new ControlMessage.LayersWanted(List.of(), false), wanted(ada, List.of()),
                    "alone: nobody watches any layer");
            try (RawClient bob = join(room, "Bob", null)) {
                wanted(ada, List.of(2));
                bob.send(new Subscribe(List.of(), null));
                wanted(ada, List.of());
                bob.send(new Subscribe(List.of(Source.camera(id(ada), 0)), null));
                wanted(ada, List.of(0));
            }
            wanted(ada, List.of());
        }
    }

    @Test
    void aBadSubscriptionIsRefusedWholeAndTheOneBeforeStays() throws Exception {
        String room = room();
        try (RawClient ada = join(room, "Ada", List.of(180, 360)); RawClient bob = join(room, "Bob", null)) {
            bob.send(new Subscribe(List.of(Source.camera(id(ada), 0)), null));
            wanted(ada, List.of(0));
            bob.send(new Subscribe(List.of(Source.camera(id(ada), 1), Source.camera("nobody-here", 0)), null));
            ControlMessage.Error unknown = bob.await(ControlMessage.Error.class, e -> true, WAIT);
            assertEquals(ErrorCode.BAD_SUBSCRIPTION.wire(), unknown.code());
            assertTrue(unknown.message().contains("nobody-here"), unknown.message());
            bob.send(new Subscribe(List.of(Source.camera(id(ada), 2)), null));
            ControlMessage.Error noLayer = bob.await(ControlMessage.Error.class, e -> true, WAIT);
            assertEquals(ErrorCode.BAD_SUBSCRIPTION.wire(), noLayer.code(), "Ada sends two layers: there is no layer 2");
            int[] sent = sendLayers(ada, new Fragmenter[] {fragmenters(ada)[0], fragmenters(ada)[1]}, true, 4);
            int[] got = receivedLayers(bob);
            assertEquals(List.of(sent[0], 0), List.of(got[0], got[1]), "Bob still gets layer 0 only");
        }
    }

    @Test
    void tooManyStreamsAreCutToTheCapAndTooManySubscriptionsAreLimited() throws Exception {
        String room = room();
        try (RawClient ada = join(room, "Ada", null); RawClient bob = join(room, "Bob", null);
             RawClient cy = join(room, "Cy", null); RawClient dee = join(room, "Dee", null)) {
            dee.send(new Subscribe(List.of(Source.camera(id(ada), 0), Source.camera(id(bob), 0), Source.camera(id(cy), 0)),
                    null));
            ControlMessage.Error capped = dee.await(ControlMessage.Error.class, e -> true, WAIT);
            assertEquals(ErrorCode.SUBSCRIPTION_CAPPED.wire(), capped.code());
            List<RawClient> senders = List.of(ada, bob, cy);
            List<Integer> got = new ArrayList<>();
            for (RawClient s : senders) {
                s.sendVideo(s.videoFragmenter(), new byte[2000]);
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (forwarded(dee, ada)[0] + forwarded(dee, bob)[0] < 4 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            receivedLayers(dee);
            for (RawClient s : senders) {
                got.add((int) forwarded(dee, s)[0]);
            }
            assertEquals(List.of(2, 2, 0), got, "the first two sources apply (two datagrams each); Cy's does not");

            long hitsBefore = relay.stats().limitHits(Limit.SUBSCRIBE_RATE);
            for (int i = 0; i < 20; i++) {
                dee.send(new Subscribe(List.of(Source.camera(id(ada), 0)), null));
            }
            ControlMessage.Error limited = dee.await(ControlMessage.Error.class,
                    e -> e.code().equals(ErrorCode.RATE_LIMITED.wire()), WAIT);
            assertNotNull(limited);
            long refusedAtLeast = 20 - 5 - 2; // a burst of 5 passes, and a token or two may refill meanwhile
            long until = System.nanoTime() + WAIT.toNanos();
            while (relay.stats().limitHits(Limit.SUBSCRIBE_RATE) - hitsBefore < refusedAtLeast) {
                assertTrue(System.nanoTime() < until, "the refused subscriptions are counted in chorus_limit_hits_total");
                Thread.sleep(10);
            }
        }
    }
}
