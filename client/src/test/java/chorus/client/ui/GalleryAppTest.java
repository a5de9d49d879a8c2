package chorus.client.ui;

import static chorus.client.ui.Gui.await;
import static chorus.client.ui.Gui.click;
import static chorus.client.ui.Gui.edt;
import static chorus.client.ui.Gui.onEdt;
import static chorus.client.ui.Gui.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.call.CallState;
import chorus.client.call.ParticipantView;
import chorus.client.codec.VideoEncoding;
import chorus.client.session.RelayAddress;
import chorus.protocol.control.ControlMessage.Source;
import chorus.protocol.control.ControlMessage.Subscribe;
import chorus.protocol.media.SimulcastLayers;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.awt.Component;
import java.awt.Container;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.swing.JPanel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The desktop app in a large room (a real window under Xvfb, 20 real bots on a real relay on
 * loopback): the gallery pages by 16, its page controls turn the page, and what it subscribes to
 * is exactly the tiles on the screen. The bots send a JPEG test pattern at two frames a second,
 * so that twenty of them leave the machine usable.
 */
class GalleryAppTest {
    private static final int BOTS = 20;
    private static final int BOT_FPS = 2;
    private static RelayNode relay;

    private final List<Bot> bots = new ArrayList<>();
    private final AppPreferences prefs = Gui.freshPreferences();
    private DesktopApp app;

    @BeforeAll
    static void start() throws IOException {
        Gui.requireDisplay();
        relay = RelayNode.startOnLoopback(ConfigFactory.parseString("chorus.relay.control-port = 0"));
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    @AfterEach
    void close() throws Exception {
        if (app != null) {
            app.leave();
            app.closed().get(15, TimeUnit.SECONDS);
        }
        bots.forEach(Bot::stop);
        Gui.forget(prefs);
    }

    /** Twenty silent bots sending JPEG at a few frames a second, then the app (a 1200x760 window: 4x4 pages). */
    private MainWindow joinLargeRoom(String what) throws Exception {
        String room = what + "-" + System.nanoTime();
        for (int i = 1; i <= BOTS; i++) {
            bots.add(Bot.start(BotOptions.of("127.0.0.1", relay.controlPort(), String.format("Bot %02d", i), room)
                    .withSilence().withFps(BOT_FPS).withVideoEncoding(VideoEncoding.JPEG).withSubscribe(0, 0)));
        }
        app = DesktopApp.launch(LaunchOptions.of(new RelayAddress("127.0.0.1", relay.controlPort()), "Ada", room)
                .withTestSource(true, true).withWindowSize(new java.awt.Dimension(1200, 760)), prefs);
        await("the window is on the screen", edt(() -> app.window() != null && app.window().isShowing()));
        await("joined", () -> app.call() != null && app.call().state() == CallState.JOINED);
        MainWindow window = onEdt(app::window);
        await("everyone is counted", edt(() -> text(window, "grid.count").equals((BOTS + 1) + " participants")));
        return window;
    }

    /** The participant tiles on the screen under the panel named {@code panel}, counted in the component tree. */
    private static List<ParticipantTile> tilesShown(MainWindow window, String panel) throws Exception {
        return onEdt(() -> {
            List<ParticipantTile> out = new ArrayList<>();
            collect(Gui.find(window, panel, JPanel.class), out);
            return out;
        });
    }

    private static void collect(Container root, List<ParticipantTile> out) {
        for (Component c : root.getComponents()) {
            if (c instanceof ParticipantTile t && t.isShowing()) {
                out.add(t);
            } else if (c instanceof Container child) {
                collect(child, out);
            }
        }
    }

    /** The sources the tiles on the screen need: each other participant's camera at the layer for its height. */
    private static List<Source> needed(List<ParticipantTile> tiles, boolean thumbnails) throws Exception {
        return onEdt(() -> tiles.stream().filter(t -> !t.self())
                .map(t -> Source.camera(t.participantId(),
                        thumbnails ? 0 : SimulcastLayers.forHeight(t.layers(), t.getHeight())))
                .toList());
    }

    private void awaitSubscription(String what, List<Source> sources) throws InterruptedException {
        await(what, () -> {
            Subscribe s = app.call().subscription();
            return s != null && s.sources().equals(sources) && s.lastN() == null;
        });
    }

    private static Set<String> names(List<ParticipantTile> tiles) throws Exception {
        return onEdt(() -> tiles.stream().map(ParticipantTile::label).collect(Collectors.toSet()));
    }

    @Test
    void theGalleryPagesBySixteenAndSubscribesToExactlyTheTilesOnThePage() throws Exception {
        MainWindow window = joinLargeRoom("gallery");
        await("the first page of 16", edt(() -> tilesShown(window, "gallery").size() == 16));
        assertEquals("Page 1 of 2", text(window, "grid.page"));
        List<ParticipantTile> first = tilesShown(window, "gallery");
        assertTrue(names(first).contains("You"), "you are first on the first page");
        awaitSubscription("the app subscribes to the 15 others on page 1", needed(first, false));
        assertEquals(15, app.call().subscription().sources().size());
        Gui.save(window.getRootPane(), "gallery-page-1");

        click(window, "grid.next");
        assertEquals("Page 2 of 2", text(window, "grid.page"));
        await("the second page holds the other 5", edt(() -> tilesShown(window, "gallery").size() == BOTS + 1 - 16));
        List<ParticipantTile> second = tilesShown(window, "gallery");
        assertEquals(Set.of("Bot 16", "Bot 17", "Bot 18", "Bot 19", "Bot 20"), names(second));
        assertFalse(onEdt(() -> Gui.find(window, "grid.next", javax.swing.JButton.class).isEnabled()), "no page 3");
        awaitSubscription("the app subscribes to the 5 on page 2", needed(second, false));
        Gui.save(window.getRootPane(), "gallery-page-2");

        // Someone on page 1 leaves: the page stays, and page 2 now holds the four left after 16.
        Bot leaving = bots.remove(0);
        leaving.stop();
        await("20 participants", edt(() -> text(window, "grid.count").equals(BOTS + " participants")));
        await("page 2 holds four", edt(() -> tilesShown(window, "gallery").size() == 4));
        assertEquals("Page 2 of 2", text(window, "grid.page"));
        awaitSubscription("the app subscribes to the 4 now on page 2", needed(tilesShown(window, "gallery"), false));

        click(window, "grid.previous");
        await("page 1 again", edt(() -> tilesShown(window, "gallery").size() == 16));
        awaitSubscription("and subscribes to page 1 again", needed(tilesShown(window, "gallery"), false));
    }

    @Test
    void theSpeakerViewShowsOneLargeTileAndAStripOfSmallOnes() throws Exception {
        MainWindow window = joinLargeRoom("speaker");
        click(window, "view");
        assertEquals("Gallery view", text(window, "view"));
        await("one large tile", edt(() -> tilesShown(window, "speaker.large").size() == 1));
        ParticipantTile large = tilesShown(window, "speaker.large").get(0);
        // Silent bots: nobody has spoken, so the first other participant is large.
        assertEquals("Bot 01", onEdt(large::label));
        await("a strip of six", edt(() -> tilesShown(window, "speaker.strip").size() == VideoGrid.SPEAKER_STRIP_TILES));
        List<ParticipantTile> strip = tilesShown(window, "speaker.strip");
        assertTrue(onEdt(() -> large.getHeight() > 2 * strip.get(0).getHeight()), "the speaker is large");
        List<Source> wanted = new ArrayList<>(needed(List.of(large), false));
        wanted.addAll(needed(strip, true));
        awaitSubscription("the large tile at its layer, the strip at the smallest", wanted);
        assertFalse(onEdt(() -> window.grid().visibleTiles().stream().anyMatch(t -> !t.isShowing())));
        Gui.save(window.getRootPane(), "speaker-view");

        click(window, "view");
        await("back to the gallery's 16", edt(() -> tilesShown(window, "gallery").size() == 16));
        awaitSubscription("and its subscription", needed(tilesShown(window, "gallery"), false));
    }

    /** Frames received so far from each other participant, by name. */
    private Map<String, Long> framesByName() {
        Map<String, Long> out = new HashMap<>();
        for (ParticipantView p : app.call().snapshot().others()) {
            out.put(p.name(), p.videoFrames());
        }
        return out;
    }

    @Test
    void onlyTheVisibleTilesAreReceived() throws Exception {
        MainWindow window = joinLargeRoom("received");
        await("the first page of 16", edt(() -> tilesShown(window, "gallery").size() == 16));
        click(window, "grid.next");
        await("the second page of 5", edt(() -> tilesShown(window, "gallery").size() == 5));
        List<ParticipantTile> second = tilesShown(window, "gallery");
        awaitSubscription("subscribed to page 2", needed(second, false));
        Set<String> visible = names(second);
        int me = app.call().client().welcome().mediaId();
        List<ParticipantView> others = app.call().snapshot().others();
        await("the relay forwards the app exactly page 2's cameras", () -> others.stream().allMatch(p ->
                relay.gateway().receiversOf(p.mediaId()).contains(me) == visible.contains(p.name())));

        // Once it does, a frame more from each of them (nothing sent before is still on its way)...
        Map<String, Long> applied = framesByName();
        await("page 2's cameras arrive", () -> visible.stream().allMatch(n -> framesByName().get(n) > applied.get(n)));
        // ...and from then on, frames only from them: three more of each visible, none of anyone else.
        Map<String, Long> from = framesByName();
        await("more of page 2", () -> visible.stream().allMatch(n -> framesByName().get(n) > from.get(n) + 2));
        Map<String, Long> to = framesByName();
        for (String name : from.keySet()) {
            if (!visible.contains(name)) {
                assertEquals(from.get(name), to.get(name), name + " is not on the page: none of their frames arrive");
            }
        }
        assertNotNull(app.call().counters());
    }
}
