package chorus.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.LoopbackRelay;
import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.media.MediaKind;
import chorus.relay.RelayNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A bot's camera in three simulcast layers through the real relay (which, until subscriptions, forwards
 * every layer): each decodes at its own size at the receiver, and the relay's layers-wanted pauses and
 * resumes them at the sender.
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

    /** Decoded picture heights seen by layer, and the newest frame id of each layer. */
    private static final class Pictures implements ClientListener {
        final Map<Integer, Integer> heightByLayer = new ConcurrentHashMap<>();
        final Map<Integer, Long> lastFrameIdByLayer = new ConcurrentHashMap<>();

        /** Frames of {@code layer} sent up to the newest that arrived (frame ids count from 0). */
        long framesUpToNewest(int layer) {
            return lastFrameIdByLayer.getOrDefault(layer, -1L) + 1;
        }

        @Override
        public void onVideoFrame(VideoFrame frame) {
            lastFrameIdByLayer.merge(frame.layer(), frame.frameId(), Math::max);
            if (frame.image() != null) {
                heightByLayer.put(frame.layer(), frame.image().getHeight());
            }
        }
    }

    @Test
    void eachOfThreeLayersArrivesAndDecodesAtItsOwnSize() throws Exception {
        String room = LoopbackRelay.room("simulcast");
        Pictures pictures = new Pictures();
        try (Bot ada = Bot.start(sender(room));
             ChorusClient bea = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "bea", room),
                     pictures)) {
            assertEquals(HEIGHTS, bea.roster().get(0).layers(), "the hello announced the heights");
            int adaId = ada.client().welcome().mediaId();
            LoopbackRelay.await("frames of all three layers arrive", () ->
                    bea.media().videoFramesByMediaIdAndLayer().getOrDefault(adaId, Map.of()).size() == 3);
            // The decoder follows one layer at a time: a keyframe of each layer in turn moves it there.
            for (int layer = 0; layer < 3; layer++) {
                int l = layer;
                ada.client().media().requestKeyframe(MediaKind.VIDEO, l);
                LoopbackRelay.await("a picture of layer " + l + " decodes", () -> pictures.heightByLayer.containsKey(l));
                assertEquals(HEIGHTS.get(l), pictures.heightByLayer.get(l), "layer " + l + "'s height");
            }
            assertEquals(0, bea.media().videoDecodeErrors(), "no decode error across the switches");
            List<CameraLayer> sent = ada.client().media().cameraLayers();
            assertEquals(List.of(120, 240, 480), sent.stream().map(CameraLayer::height).toList());
            assertTrue(sent.stream().allMatch(l -> l.framesSent() > 0 && l.framesPaused() == 0), sent.toString());
            assertTrue(bea.media().videoCountersReadBackByMediaId().getOrDefault(adaId, 0L) > 0,
                    "the test pattern's frame counter reads back");
        }
    }

    @Test
    void layersNobodyWantsArePausedAtTheSenderAndResumeWithAKeyframe() throws Exception {
        String room = LoopbackRelay.room("dynacast");
        Pictures pictures = new Pictures();
        try (Bot ada = Bot.start(sender(room));
             ChorusClient bea = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "bea", room),
                     pictures)) {
            MediaSession media = ada.client().media();
            int adaId = ada.client().welcome().mediaId();
            LoopbackRelay.await("all three layers sent", () -> media.cameraLayers().stream().allMatch(l -> l.framesSent() > 2));

            // What ChorusClient does with the relay's layers-wanted: only layer 0 is watched.
            media.layersWanted(new ControlMessage.LayersWanted(List.of(0), true));
            LoopbackRelay.await("layers 1 and 2 leave pictures out", () -> media.cameraLayers().get(1).framesPaused() > 0
                    && media.cameraLayers().get(2).framesPaused() > 0);
            List<CameraLayer> paused = media.cameraLayers();
            LoopbackRelay.await("bea has the last frame sent of the paused layers", () ->
                    pictures.framesUpToNewest(1) == paused.get(1).framesSent()
                            && pictures.framesUpToNewest(2) == paused.get(2).framesSent());
            long layer0 = paused.get(0).framesSent();
            LoopbackRelay.await("layer 0 goes on", () -> media.cameraLayers().get(0).framesSent() >= layer0 + 10
                    && media.cameraLayers().get(1).framesPaused() >= paused.get(1).framesPaused() + 10);
            List<CameraLayer> later = media.cameraLayers();
            assertEquals(paused.get(1).framesSent(), later.get(1).framesSent(), "layer 1 not encoded while paused");
            assertEquals(paused.get(2).framesSent(), later.get(2).framesSent(), "layer 2 not encoded while paused");
            long layer0Sent = later.get(0).framesSent();
            LoopbackRelay.await("bea has layer 0's frames up to now", () -> pictures.framesUpToNewest(0) >= layer0Sent);
            assertEquals(paused.get(1).framesSent(), pictures.framesUpToNewest(1), "nothing more of layer 1 reached bea");
            assertEquals(paused.get(2).framesSent(), pictures.framesUpToNewest(2), "nothing more of layer 2 reached bea");

            // Somebody watches layer 2 again: it resumes with a keyframe.
            media.layersWanted(new ControlMessage.LayersWanted(List.of(0, 2), true));
            LoopbackRelay.await("layer 2 resumes with a keyframe", () ->
                    media.cameraLayers().get(2).framesSent() > later.get(2).framesSent()
                            && media.cameraLayers().get(2).keyframesSent() > later.get(2).keyframesSent());
            LoopbackRelay.await("bea gets layer 2 again", () -> pictures.framesUpToNewest(2) > later.get(2).framesSent());
            assertEquals(later.get(1).framesSent(), media.cameraLayers().get(1).framesSent(), "layer 1 still paused");

            // Nobody watches the camera: nothing is encoded at all.
            media.layersWanted(new ControlMessage.LayersWanted(List.of(), true));
            LoopbackRelay.await("every layer pauses", () -> media.cameraLayers().stream().allMatch(CameraLayer::paused)
                    && media.cameraLayers().get(0).framesPaused() > later.get(0).framesPaused() + 10);
            long picturesSent = media.videoFramesSent();
            List<CameraLayer> off = media.cameraLayers();
            LoopbackRelay.await("ten more pictures left out", () ->
                    media.cameraLayers().get(0).framesPaused() >= off.get(0).framesPaused() + 10);
            assertTrue(media.videoFramesSent() <= picturesSent + 1, "at most a picture in progress was sent");
            assertEquals(0, bea.media().videoDecodeErrors());
        }
    }
}
