package chorus.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.LoopbackRelay;
import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.codec.VideoEncoding;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.Source;
import chorus.relay.RelayNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A viewer in a room of twelve shows a 2x2 page: the relay forwards it exactly the four subscribed
 * cameras at the asked layer (the relay's own per-receiver counters), and a page switch moves the
 * forwarding to the next four. The senders' periodic keyframe is a minute apart, so the new page's
 * pictures arriving within the wait can only come from the keyframes the relay asks for at the switch
 * (and the resumed layers' first keyframes): the page moves within a keyframe interval.
 */
class PageSubscriptionTest {
    private static final List<Integer> HEIGHTS = List.of(60, 120, 240);
    private static final int SENDERS = 11;
    private static final int LAYER = 1;
    private static RelayNode relay;

    @BeforeAll
    static void startRelay() throws IOException {
        relay = LoopbackRelay.start();
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    /** A sender that shows nobody (so that only the viewer receives video) and sends three small layers. */
    private static BotOptions sender(String room, int i) {
        return BotOptions.of(LoopbackRelay.address(relay), "bot" + i, room).withSilence().withFps(10).withLayers(3)
                .withLayerHeights(HEIGHTS).withSubscribe(0, 0)
                .withVideoEncoding(VideoEncoding.H264.withKeyframeInterval(Duration.ofSeconds(60)));
    }

    /** What the relay forwarded the viewer since {@code before}, by sender media id, datagrams per slot (layers 0..2, screen). */
    private static Map<Integer, List<Long>> forwardedSince(Map<Integer, long[]> before, int viewer) {
        Map<Integer, List<Long>> since = new TreeMap<>();
        relay.gateway().forwardedTo(viewer).forEach((sender, now) -> {
            long[] was = before.getOrDefault(sender, new long[now.length]);
            List<Long> d = new ArrayList<>();
            boolean any = false;
            for (int i = 0; i < now.length; i++) {
                d.add(now[i] - was[i]);
                any |= now[i] != was[i];
            }
            if (any) {
                since.put(sender, d);
            }
        });
        return since;
    }

    /**
     * Subscribes {@code viewer} to {@code page} and waits until each of its cameras has delivered
     * frames at {@link #LAYER}; then returns what the relay forwards the viewer while each sends
     * five more.
     */
    private static Map<Integer, List<Long>> show(ChorusClient viewer, List<Bot> page) throws Exception {
        List<Source> sources = new ArrayList<>();
        for (Bot b : page) {
            sources.add(Source.camera(b.client().welcome().participantId(), LAYER));
        }
        Map<Integer, Map<Integer, Long>> framesBefore = viewer.media().videoFramesByMediaIdAndLayer();
        viewer.subscribe(new ControlMessage.Subscribe(sources, null));
        for (Bot b : page) {
            int id = b.client().welcome().mediaId();
            long had = framesBefore.getOrDefault(id, Map.of()).getOrDefault(LAYER, 0L);
            LoopbackRelay.await(b.client().welcome().participantId() + "'s layer " + LAYER + " reaches the viewer", () ->
                    viewer.media().videoFramesByMediaIdAndLayer().getOrDefault(id, Map.of()).getOrDefault(LAYER, 0L) > had);
        }
        int viewerId = viewer.welcome().mediaId();
        Map<Integer, long[]> before = relay.gateway().forwardedTo(viewerId);
        List<Long> sentBefore = new ArrayList<>();
        for (Bot b : page) {
            sentBefore.add(b.client().media().cameraLayers().get(LAYER).framesSent());
        }
        for (int i = 0; i < page.size(); i++) {
            int at = i;
            LoopbackRelay.await("five more frames of each shown camera", () ->
                    page.get(at).client().media().cameraLayers().get(LAYER).framesSent() >= sentBefore.get(at) + 5);
        }
        return forwardedSince(before, viewerId);
    }

    @Test
    void aViewerShowingFourTilesIsForwardedExactlyThoseFourAtTheAskedLayerAndThePageSwitchMovesThem() throws Exception {
        String room = LoopbackRelay.room("page");
        List<Bot> bots = new ArrayList<>();
        try (ChorusClient viewer = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "viewer", room),
                new ClientListener() { })) {
            for (int i = 0; i < SENDERS; i++) {
                bots.add(Bot.start(sender(room, i)));
            }
            LoopbackRelay.await("the viewer sees all twelve", () -> viewer.roster().size() == SENDERS + 1);
            for (List<Bot> page : List.of(bots.subList(0, 4), bots.subList(4, 8))) {
                Map<Integer, List<Long>> forwarded = show(viewer, page);
                List<Integer> expected = page.stream().map(b -> b.client().welcome().mediaId()).sorted().toList();
                assertEquals(expected, List.copyOf(forwarded.keySet()), "exactly the page's four cameras: " + forwarded);
                forwarded.forEach((sender, slots) -> {
                    assertTrue(slots.get(LAYER) > 0, sender + " at layer " + LAYER);
                    assertEquals(0, slots.get(0) + slots.get(2) + slots.get(3), sender + ": no other layer, no screen");
                });
            }
            for (Bot b : bots.subList(8, SENDERS)) {
                assertTrue(b.client().media().cameraLayers().stream().allMatch(CameraLayer::paused),
                        "a camera on no page is paused at its sender: " + b.client().media().cameraLayers());
            }
            assertEquals(0, viewer.media().videoDecodeErrors());
        } finally {
            for (Bot b : bots) {
                b.close();
            }
        }
    }
}
