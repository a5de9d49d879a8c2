package chorus.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.LoopbackRelay;
import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.protocol.control.ControlMessage;
import chorus.relay.RelayNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A bot's camera in three simulcast layers through the real relay: a receiver subscribing to each
 * layer in turn decodes it at its own size (the relay switches it at that layer's keyframe), and
 * the layers nobody subscribes to are paused at the sender (dynacast) and resume when someone does.
 */
class SimulcastTest {
    /** The test pattern's 480 lines fill all three rungs of this ladder. */
    private static final List<Integer> HEIGHTS = List.of(120, 240, 480);
    private static RelayNode relay;

    @BeforeAll
    static void startRelay() throws IOException {
        relay = LoopbackRelay.start();
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    private static BotOptions sender(String room) {
        return BotOptions.of(LoopbackRelay.address(relay), "ada", room).withSilence().withLayers(3)
                .withLayerHeights(HEIGHTS);
    }

    /** Decoded picture heights seen by layer. */
    private static final class Pictures implements ClientListener {
        final Map<Integer, Integer> heightByLayer = new ConcurrentHashMap<>();

        @Override
        public void onVideoFrame(VideoFrame frame) {
            if (frame.image() != null) {
                heightByLayer.put(frame.layer(), frame.image().getHeight());
            }
        }
    }

    @Test
    void eachOfThreeLayersDecodesAtItsOwnSizeAsTheReceiverSubscribesToIt() throws Exception {
        String room = LoopbackRelay.room("simulcast");
        Pictures pictures = new Pictures();
        try (Bot ada = Bot.start(sender(room));
             ChorusClient bea = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "bea", room),
                     pictures)) {
            assertEquals(HEIGHTS, bea.roster().get(0).layers(), "the hello announced the heights");
            String adaId = ada.client().welcome().participantId();
            for (int layer = 0; layer < 3; layer++) {
                int l = layer;
                bea.subscribe(new ControlMessage.Subscribe(List.of(ControlMessage.Source.camera(adaId, l)), null));
                LoopbackRelay.await("a picture of layer " + l + " decodes", () -> pictures.heightByLayer.containsKey(l));
                assertEquals(HEIGHTS.get(l), pictures.heightByLayer.get(l), "layer " + l + "'s height");
            }
            assertEquals(0, bea.media().videoDecodeErrors(), "no decode error across the switches");
            List<CameraLayer> sent = ada.client().media().cameraLayers();
            assertEquals(List.of(120, 240, 480), sent.stream().map(CameraLayer::height).toList());
            assertTrue(bea.media().videoCountersReadBackByMediaId().getOrDefault(ada.client().welcome().mediaId(), 0L) > 0,
                    "the test pattern's frame counter reads back");
        }
    }

    @Test
    void aLayerNobodyWatchesIsPausedAtItsSenderAndResumesWhenSomeoneSubscribes() throws Exception {
        String room = LoopbackRelay.room("dynacast");
        Pictures pictures = new Pictures();
        try (Bot ada = Bot.start(sender(room));
             ChorusClient bea = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "bea", room),
                     pictures)) {
            MediaSession media = ada.client().media();
            String adaId = ada.client().welcome().participantId();
            bea.subscribe(new ControlMessage.Subscribe(List.of(ControlMessage.Source.camera(adaId, 0)), null));
            LoopbackRelay.await("bea shows ada's layer 0 only: the relay says so and layers 1 and 2 pause at ada",
                    () -> !media.cameraLayers().get(0).paused() && media.cameraLayers().get(1).paused()
                            && media.cameraLayers().get(2).paused());
            List<CameraLayer> paused = media.cameraLayers();
            LoopbackRelay.await("ten more pictures left out of layers 1 and 2 while layer 0 goes on", () ->
                    media.cameraLayers().get(1).framesPaused() >= paused.get(1).framesPaused() + 10
                            && media.cameraLayers().get(2).framesPaused() >= paused.get(2).framesPaused() + 10
                            && media.cameraLayers().get(0).framesSent() >= paused.get(0).framesSent() + 5);
            List<CameraLayer> later = media.cameraLayers();
            assertTrue(later.get(1).framesSent() <= paused.get(1).framesSent() + 1, "layer 1 not encoded while paused");
            assertTrue(later.get(2).framesSent() <= paused.get(2).framesSent() + 1, "layer 2 not encoded while paused");

            // bea's tile grows: it subscribes to layer 2, which resumes with a keyframe.
            bea.subscribe(new ControlMessage.Subscribe(List.of(ControlMessage.Source.camera(adaId, 2)), null));
            LoopbackRelay.await("layer 2 resumes with a keyframe and bea decodes it", () ->
                    media.cameraLayers().get(2).keyframesSent() > later.get(2).keyframesSent()
                            && pictures.heightByLayer.containsKey(2));
            LoopbackRelay.await("and layer 0, which nobody shows now, pauses", () -> media.cameraLayers().get(0).paused());

            // bea shows nobody: nothing is encoded at all.
            bea.subscribe(new ControlMessage.Subscribe(List.of(), null));
            LoopbackRelay.await("every layer pauses", () -> media.cameraLayers().stream().allMatch(CameraLayer::paused));
            List<CameraLayer> off = media.cameraLayers();
            long picturesSent = media.videoFramesSent();
            LoopbackRelay.await("ten more pictures left out", () ->
                    media.cameraLayers().get(2).framesPaused() >= off.get(2).framesPaused() + 10);
            assertTrue(media.videoFramesSent() <= picturesSent + 1, "at most a picture in progress was sent");
            assertEquals(0, bea.media().videoDecodeErrors());
        }
    }
}
