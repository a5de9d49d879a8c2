package chorus.client.ui;

import static chorus.client.ui.Gui.await;
import static chorus.client.ui.Gui.click;
import static chorus.client.ui.Gui.difference;
import static chorus.client.ui.Gui.edt;
import static chorus.client.ui.Gui.onEdt;
import static chorus.client.ui.Gui.screenshot;
import static chorus.client.ui.Gui.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.call.CallState;
import chorus.client.call.ParticipantView;
import chorus.client.media.FrameCounterStrip;
import chorus.client.session.RelayAddress;
import chorus.protocol.media.MediaKind;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.swing.JButton;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The desktop app in a real window (Xvfb on CI) in a call with real bots on a real relay on
 * loopback, driven the way a user drives it: buttons found by name and pressed, tiles looked at
 * on the screen.
 */
class DesktopAppTest {
    private static RelayNode relay;

    private final List<Bot> bots = new ArrayList<>();
    private final AppPreferences prefs = Gui.freshPreferences();
    private DesktopApp app;

    @BeforeAll
    static void start() throws IOException {
        Gui.requireDisplay();
        relay = relay(0);
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private static RelayNode relay(int port) throws IOException {
        return RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay { control-port = " + port + ", keepalive { ping-interval = 250ms, timeout = 2s } }"));
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

    private static String room(String what) {
        return what + "-" + System.nanoTime();
    }

    private Bot bot(RelayNode on, String name, String room, BotOptions tweak) throws IOException {
        Bot bot = Bot.start(tweak == null ? BotOptions.of("127.0.0.1", on.controlPort(), name, room)
                : tweak);
        bots.add(bot);
        return bot;
    }

    private void twoBots(String room, boolean silent) throws IOException {
        BotOptions alice = BotOptions.of("127.0.0.1", relay.controlPort(), "Alice", room).withTone(440);
        BotOptions bob = BotOptions.of("127.0.0.1", relay.controlPort(), "Bob", room).withTone(660);
        bot(relay, "Alice", room, silent ? alice.withSilence() : alice);
        bot(relay, "Bob", room, silent ? bob.withSilence() : bob);
    }

    private DesktopApp launch(RelayNode on, String room, boolean testSource) {
        app = DesktopApp.launch(LaunchOptions.of(new RelayAddress("127.0.0.1", on.controlPort()), "Ada", room)
                .withTestSource(testSource, testSource).withWindowSize(new java.awt.Dimension(1200, 760)), prefs);
        return app;
    }

    private MainWindow window() throws Exception {
        await("the window is on the screen", edt(() -> app.window() != null && app.window().isShowing()));
        return onEdt(app::window);
    }

    /** The tiles on the screen, by their label ("You" for self). */
    private Map<String, ParticipantTile> tiles() throws Exception {
        return onEdt(() -> app.window().grid().visibleTiles().stream()
                .filter(ParticipantTile::isShowing)
                .collect(Collectors.toMap(ParticipantTile::label, t -> t)));
    }

    private boolean showingVideo(String label) throws Exception {
        return onEdt(() -> {
            ParticipantTile t = tiles().get(label);
            return t != null && t.showingVideo();
        });
    }

    @Test
    void tilesForBothBotsAppearWithinThreeSecondsAndShowMovingPictures() throws Exception {
        String room = room("tiles");
        twoBots(room, false);
        long launched = System.nanoTime();
        launch(relay, room, true);
        MainWindow window = window();
        System.out.printf("window on screen %d ms after launch%n", (System.nanoTime() - launched) / 1_000_000);
        await("joined", () -> app.call() != null && app.call().state() == CallState.JOINED);
        long joined = System.nanoTime();
        await("tiles for Alice and Bob", edt(() -> tiles().keySet().containsAll(List.of("You", "Alice", "Bob"))),
                Duration.ofSeconds(3));
        await("their video shows", () -> {
            try {
                return showingVideo("Alice") && showingVideo("Bob");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, Duration.ofSeconds(3));
        long millis = (System.nanoTime() - joined) / 1_000_000;
        System.out.printf("tiles with video %d ms after joining, %d ms after launch%n", millis,
                (System.nanoTime() - launched) / 1_000_000);
        assertTrue(millis <= 3000, "tiles with video " + millis + " ms after joining");
        assertEquals(List.of("Ada (you)", "Alice", "Bob"), onEdt(() -> window.people().entries()));
        assertTrue(text(window, "status.state").contains("Connected"), text(window, "status.state"));

        Map<String, ParticipantTile> tiles = tiles();
        long aliceCounter1 = counterShown("Alice");
        long bobCounter1 = counterShown("Bob");
        BufferedImage alice1 = screenshot(tiles.get("Alice"));
        BufferedImage bob1 = screenshot(tiles.get("Bob"));
        Thread.sleep(1000); // the pictures must move in a second
        BufferedImage alice2 = screenshot(tiles.get("Alice"));
        BufferedImage bob2 = screenshot(tiles.get("Bob"));
        assertTrue(difference(alice1, alice2) > 0.005, "Alice's tile moves: " + difference(alice1, alice2));
        assertTrue(difference(bob1, bob2) > 0.005, "Bob's tile moves: " + difference(bob1, bob2));
        // The bots send H.264 (the default): the pictures shown are their test patterns, frame after frame.
        assertTrue(counterShown("Alice") > aliceCounter1, "Alice's frame counter advances");
        assertTrue(counterShown("Bob") > bobCounter1, "Bob's frame counter advances");
        assertEquals(0, app.call().counters().videoDecodeErrors());
        await("the status bar shows what is sent and received", edt(() -> {
            String bitrates = text(window, "status.bitrates");
            return bitrates.matches("\u2191 \\d+ kbit/s  \u2193 \\d+ kbit/s") && !bitrates.contains("\u2193 0 ");
        }));
        Gui.save(window, "h264-tiles");
    }

    /** The frame counter read back from the newest picture of {@code name} the app shows, or -1. */
    private long counterShown(String name) {
        return app.call().snapshot().others().stream().filter(p -> p.name().equals(name))
                .map(ParticipantView::image).filter(java.util.Objects::nonNull)
                .mapToLong(FrameCounterStrip::read).findFirst().orElse(-1);
    }

    @Test
    void mutingStopsTheClientsAudioPacketsAtTheRelay() throws Exception {
        String room = room("mute");
        twoBots(room, true); // silent bots: every audio datagram at the relay is the client's
        launch(relay, room, true);
        MainWindow window = window();
        long before = relay.stats().packetsIn(MediaKind.AUDIO);
        await("the client's audio reaches the relay", () -> relay.stats().packetsIn(MediaKind.AUDIO) > before + 50);
        assertEquals("Mute", text(window, "mute"));

        click(window, "mute");
        await("the button offers to unmute", edt(() -> text(window, "mute").equals("Unmute")));
        Thread.sleep(200); // datagrams already sent
        long muted = relay.stats().packetsIn(MediaKind.AUDIO);
        Thread.sleep(1000);
        assertEquals(muted, relay.stats().packetsIn(MediaKind.AUDIO), "no audio datagrams while muted");

        click(window, "mute");
        await("audio flows again", () -> relay.stats().packetsIn(MediaKind.AUDIO) > muted + 50);
        assertEquals("Mute", text(window, "mute"));
    }

    @Test
    void stoppingVideoTurnsYourTileIntoThePlaceholder() throws Exception {
        String room = room("camera");
        twoBots(room, true);
        Bot alice = bots.get(0);
        launch(relay, room, true);
        MainWindow window = window();
        await("your video shows", () -> {
            try {
                return showingVideo("You");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        await("the bots receive it", () -> alice.snapshot().receivedFrom("Ada") > 5);
        ParticipantTile you = tiles().get("You");
        BufferedImage moving = screenshot(you);
        Thread.sleep(500);
        assertTrue(difference(moving, screenshot(you)) > 0.005, "your own picture moves");

        click(window, "camera");
        await("your tile shows the placeholder", edt(() -> !you.showingVideo()));
        Gui.save(window.getRootPane(), "camera-off");
        assertEquals("Start video", text(window, "camera"));
        assertEquals("A", onEdt(you::initials));
        Thread.sleep(300);
        BufferedImage still1 = screenshot(you);
        long received = alice.snapshot().receivedFrom("Ada");
        Thread.sleep(1000);
        assertEquals(0.0, difference(still1, screenshot(you)), "the placeholder does not move");
        assertEquals(received, alice.snapshot().receivedFrom("Ada"), "no video reaches the others");
        // The placeholder: the avatar colour in the middle, not the test pattern's.
        int centre = still1.getRGB(still1.getWidth() / 2, still1.getHeight() / 2 - still1.getHeight() / 8) & 0xFFFFFF;
        assertEquals(ParticipantTile.avatarColour("Ada").getRGB() & 0xFFFFFF, centre, "the initials' circle is shown");

        click(window, "camera");
        await("video again", edt(you::showingVideo));
    }

    @Test
    void leavingRemovesYouFromTheBotsRosters() throws Exception {
        String room = room("leave");
        twoBots(room, true);
        launch(relay, room, true);
        MainWindow window = window();
        for (Bot bot : bots) {
            await("Ada is in " + bot.snapshot().name() + "'s roster", () -> bot.snapshot().roster().contains("Ada"));
        }
        click(window, "leave");
        app.closed().get(10, TimeUnit.SECONDS);
        for (Bot bot : bots) {
            await("Ada left " + bot.snapshot().name() + "'s roster", () -> !bot.snapshot().roster().contains("Ada"));
        }
        assertEquals(List.of("Alice", "Bob"), bots.get(0).snapshot().roster());
        assertFalse(onEdt(window::isDisplayable), "the window is gone");
        assertEquals(CallState.LEFT, app.call().state());
        app = null;
    }

    @Test
    void missingCameraAndMicrophoneAreExplainedAndTheAppCarriesOn() throws Exception {
        // As on CI, where there is no camera and no sound card: devices that are not there.
        prefs.device(AppPreferences.CAMERA, "v4l2:/dev/chorus-test-no-camera");
        prefs.device(AppPreferences.MICROPHONE, "mixer:Chorus test microphone that is not there");
        String room = room("devices");
        twoBots(room, true);
        launch(relay, room, false);
        MainWindow window = window();
        await("the camera's problem is shown", edt(() -> window.notices().message(chorus.client.device.DeviceKind.CAMERA) != null));
        await("the microphone's problem is shown", edt(() -> window.notices().message(chorus.client.device.DeviceKind.MICROPHONE) != null));
        assertEquals("No camera at /dev/chorus-test-no-camera: the device is not there (unplugged?).",
                text(window, "notice.camera.message"));
        assertEquals("The microphone Chorus test microphone that is not there is not connected.",
                text(window, "notice.microphone.message"));
        await("joined all the same", () -> app.call().state() == CallState.JOINED);
        assertEquals("Start video", text(window, "camera"));
        assertEquals("Unmute", text(window, "mute"));
        long audio = relay.stats().packetsIn(MediaKind.AUDIO);
        Gui.save(window.getRootPane(), "missing-devices");

        // The buttons stay usable: pressing them tries again and says so again.
        click(window, "notice.camera.close");
        assertEquals(null, onEdt(() -> window.notices().message(chorus.client.device.DeviceKind.CAMERA)));
        click(window, "camera");
        await("the camera's problem is shown again",
                edt(() -> window.notices().message(chorus.client.device.DeviceKind.CAMERA) != null));
        click(window, "mute");
        Thread.sleep(500);
        assertEquals("Unmute", text(window, "mute"), "still not sending: there is no microphone");
        assertEquals(audio, relay.stats().packetsIn(MediaKind.AUDIO), "no audio without a microphone");
        assertTrue(onEdt(window::isShowing), "the app is still open");
        await("the bots still see Ada", () -> bots.get(0).snapshot().roster().contains("Ada"));

        // The notice offers the synthetic source instead.
        click(window, "notice.camera.test");
        await("the test pattern shows as your video", () -> {
            try {
                return showingVideo("You");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        await("the camera notice goes away", edt(() -> window.notices().message(chorus.client.device.DeviceKind.CAMERA) == null));
        click(window, "notice.microphone.test");
        await("Mute is offered once the test tone is on", edt(() -> text(window, "mute").equals("Mute")));
        await("audio flows", () -> relay.stats().packetsIn(MediaKind.AUDIO) > audio + 20);
    }

    @Test
    void choosingTheTestPatternInSettingsReplacesAMissingCamera() throws Exception {
        prefs.device(AppPreferences.CAMERA, "v4l2:/dev/chorus-test-no-camera");
        String room = room("settings");
        twoBots(room, true);
        launch(relay, room, false);
        MainWindow window = window();
        await("the camera's problem is shown", edt(() -> window.notices().message(chorus.client.device.DeviceKind.CAMERA) != null));

        Gui.clickLater(window, "settings");
        await("the settings dialog lists the devices", edt(() -> Gui.window("settingsDialog") != null
                && Gui.find(Gui.window("settingsDialog"), "settings.ok", JButton.class).isEnabled()));
        java.awt.Window dialog = onEdt(() -> Gui.window("settingsDialog"));
        onEdt(() -> {
            @SuppressWarnings("unchecked")
            javax.swing.JComboBox<DeviceSelection.Option> cameras = Gui.find(dialog, "settings.camera", javax.swing.JComboBox.class);
            for (int i = 0; i < cameras.getItemCount(); i++) {
                if ("test".equals(cameras.getItemAt(i).id())) {
                    cameras.setSelectedIndex(i);
                }
            }
            assertEquals("Test pattern", String.valueOf(cameras.getSelectedItem()));
            return null;
        });
        click(dialog, "settings.ok");
        await("the test pattern shows as your video", () -> {
            try {
                return showingVideo("You");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals("test", prefs.device(AppPreferences.CAMERA), "the choice is remembered");
        assertEquals("Stop video", text(window, "camera"));
    }

    @Test
    void losingTheRelayShowsReconnectingAndTheAppRejoins() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        RelayNode first = relay(port);
        RelayNode second = null;
        try {
            String room = room("reconnect");
            launch(first, room, true);
            MainWindow window = window();
            await("connected", edt(() -> text(window, "status.state").contains("Connected")));
            first.close();
            await("the status bar says reconnecting", edt(() -> text(window, "status.state").contains("Reconnecting\u2026")));
            Gui.save(window.getRootPane(), "reconnecting");
            assertTrue(onEdt(window::isShowing));
            second = relay(port);
            await("connected again", edt(() -> text(window, "status.state").contains("Connected")));
            Bot bob = bot(second, "Bob", room, BotOptions.of("127.0.0.1", port, "Bob", room).withSilence());
            assertTrue(bob.snapshot().roster().contains("Ada"), "Ada is back in the room: " + bob.snapshot().roster());
            await("Bob's tile", edt(() -> tiles().containsKey("Bob")));
            app.leave();
            app.closed().get(10, TimeUnit.SECONDS);
            app = null;
        } finally {
            first.close();
            if (second != null) {
                bots.forEach(Bot::stop);
                bots.clear();
                second.close();
            }
        }
    }

    @Test
    void theThemeSettingSwitchesBetweenLightAndDarkAndIsRemembered() throws Exception {
        String room = room("theme");
        launch(relay, room, true);
        MainWindow window = window();
        assertEquals("FlatLaf Light", onEdt(() -> javax.swing.UIManager.getLookAndFeel().getName()));
        click(window, "menu.dark");
        assertEquals("FlatLaf Dark", onEdt(() -> javax.swing.UIManager.getLookAndFeel().getName()));
        assertEquals(Theme.DARK, prefs.theme());
        click(window, "menu.dark");
        assertEquals("FlatLaf Light", onEdt(() -> javax.swing.UIManager.getLookAndFeel().getName()));
        assertEquals(Theme.LIGHT, prefs.theme());
        assertNotNull(Gui.find(window, "leave", JButton.class));
    }
}
