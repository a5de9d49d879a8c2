package chorus.client.ui;

import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.bot.BotStats;
import chorus.client.codec.VideoEncoding;
import chorus.client.device.Cameras;
import chorus.client.device.Microphones;
import chorus.client.device.Speakers;
import chorus.client.load.ServerProcess;
import chorus.client.session.RelayAddress;
import chorus.client.tls.RelayTrust;
import java.awt.Dimension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import javax.swing.SwingUtilities;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chorus demo} with a display: a relay on localhost (a child process), Alice and Bob sending
 * the test pattern and their tones in room {@code demo}, and the desktop app joined to them. Without
 * a display it exits with {@link #NO_DISPLAY} at once, and the launcher runs the headless demo.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "Start a relay on localhost, two bots (Alice 440 Hz, Bob 660 Hz) in room \"demo\", and the desktop "
                        + "app joined to them. Close the window or press Leave to end.",
                "Exit code " + DemoCommand.NO_DISPLAY + " when there is no display (the launcher then runs the "
                        + "headless demo)."})
public final class DemoCommand implements Callable<Integer> {
    /** Exit code meaning "no display here": nothing was started. */
    public static final int NO_DISPLAY = 3;
    static final String ROOM = "demo";
    private static final Duration RELAY_START = Duration.ofSeconds(60);
    private static final Duration SCREENSHOT_WAIT = Duration.ofSeconds(60);
    static final int MAX_BOTS = 50;
    /** The extra bots' frame rate: twenty of them at 2 fps leave a two-core machine usable. */
    static final int LARGE_ROOM_BOT_FPS = 2;

    @Option(names = "--name", paramLabel = "NAME", description = "Your name in the call. Default: your user name.")
    String name;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
            description = "Relay control port. Default: any free port.")
    int port;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Leave after this many seconds. Default: stay until the window is closed.")
    Double durationSeconds;

    @Option(names = "--test-source",
            description = "Send the test pattern and tone even if a camera and microphone are present "
                    + "(they are used anyway when there is none).")
    boolean testSource;

    @Option(names = "--screenshot", paramLabel = "FILE.png",
            description = "Once the bots' video on the screen shows, save a picture of the window to FILE.png and end.")
    Path screenshot;

    @Option(names = "--bots", paramLabel = "N", defaultValue = "2",
            description = "Bots in the room (2.." + MAX_BOTS + "): Alice and Bob, and from the third on silent bots "
                    + "sending a JPEG test pattern at " + LARGE_ROOM_BOT_FPS + " fps, light enough for a large room on a small machine. Default: ${DEFAULT-VALUE}.")
    int botCount;

    @Option(names = "--size", paramLabel = "WIDTHxHEIGHT", defaultValue = "1280x800",
            description = "Window size. Default: ${DEFAULT-VALUE}.")
    String size;

    @Override
    public Integer call() throws Exception {
        if (botCount < 2 || botCount > MAX_BOTS) {
            System.err.println("chorus demo: --bots must be 2.." + MAX_BOTS + ", not " + botCount);
            return 2;
        }
        if (!Displays.available()) {
            System.err.println("No display: running the relay and bots headless");
            return NO_DISPLAY;
        }
        String classpath = System.getenv("CHORUS_RELAY_CLASSPATH");
        if (classpath == null || classpath.isBlank()) {
            System.err.println("chorus demo: CHORUS_RELAY_CLASSPATH is not set; run it as ./chorus demo");
            return 1;
        }
        Dimension windowSize = parseSize(size);
        String me = name != null ? name : JoinDialog.defaultName();
        Path work = Files.createTempDirectory("chorus-demo");
        Path log = work.resolve("server.log");
        // Any free port but the control port asked for, and its files in the demo's own directory.
        ServerProcess relay = ServerProcess.launch(ServerProcess.Kind.RELAY, new ServerProcess.Options(classpath, null,
                List.of(), RELAY_START, List.of("--control-port", String.valueOf(port)),
                Map.of("CHORUS_FILES_DIR", work.resolve("files").toString(),
                        "CHORUS_TLS_DIR", work.resolve("tls").toString())), log);
        Thread stopRelay = new Thread(relay::close, "chorus-demo-stop");
        Runtime.getRuntime().addShutdownHook(stopRelay);
        List<Bot> bots = new ArrayList<>();
        try {
            RelayAddress address = relay.awaitReady().control();
            System.out.println(relay.ready() + " (log: " + log + ")");
            // The demo's relay makes its own certificate; what its ready line says is what everyone pins.
            RelayTrust trust = RelayTrust.defaults().withFingerprint(relay.ready().tlsFingerprint().orElse(null));
            bots.add(Bot.start(BotOptions.of(address, "Alice", ROOM).withTone(440).withTrust(trust)));
            bots.add(Bot.start(BotOptions.of(address, "Bob", ROOM).withTone(660).withTrust(trust)));
            for (int i = 3; i <= botCount; i++) {
                bots.add(Bot.start(BotOptions.of(address, String.format("Bot %02d", i), ROOM).withSilence()
                        .withFps(LARGE_ROOM_BOT_FPS).withVideoEncoding(VideoEncoding.JPEG).withSubscribe(0, 0)
                        .withTrust(trust))); // extras show nobody: the relay forwards them nothing
            }
            boolean testCamera = testSource || Cameras.list().isEmpty();
            boolean testMicrophone = testSource || Microphones.list().isEmpty();
            System.out.println("Alice (440 Hz) and Bob (660 Hz) are in room \"" + ROOM + "\"; " + me + " joins"
                    + (testCamera || testMicrophone ? " with the test " + (testCamera && testMicrophone ? "pattern and tone"
                    : testCamera ? "pattern" : "tone") : "") + ". Close the window or press Leave to end.");
            LaunchOptions options = new LaunchOptions(address, me, ROOM, testCamera, testMicrophone, windowSize, trust);
            // The user's theme and devices, but what the demo changes (its relay, a test source) is not remembered.
            AppPreferences user = AppPreferences.user();
            AppPreferences prefs = new AppPreferences(Preferences.userRoot().node("chorus/demo"));
            prefs.theme(user.theme());
            for (String kind : List.of(AppPreferences.CAMERA, AppPreferences.MICROPHONE, AppPreferences.SPEAKER)) {
                prefs.device(kind, user.device(kind));
            }
            if (screenshot != null) {
                prefs.device(AppPreferences.SPEAKER, Speakers.NONE_ID); // a picture has no sound
            }
            DesktopApp app = DesktopApp.launch(options, prefs);
            if (screenshot != null) {
                return takeScreenshot(app, screenshot);
            }
            if (durationSeconds != null) {
                CompletableFuture.delayedExecutor(Math.round(durationSeconds * 1000), TimeUnit.MILLISECONDS)
                        .execute(app::leave);
            }
            try {
                app.closed().get();
            } catch (ExecutionException e) {
                System.err.println("chorus demo: " + e.getCause().getMessage());
                return 1;
            }
            return 0;
        } catch (ServerProcess.ServerStartException e) {
            System.err.println("chorus demo: " + e.getMessage());
            return 1;
        } finally {
            for (Bot bot : bots) {
                BotStats stats = bot.stop();
                System.out.println(stats.summary());
            }
            relay.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stopRelay);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs anyway
            }
        }
    }

    /** Waits until the bots' tiles on the screen show moving video, then saves the window as a PNG and leaves. */
    private static int takeScreenshot(DesktopApp app, Path file) throws Exception {
        long deadline = System.nanoTime() + SCREENSHOT_WAIT.toNanos();
        while (!bothBotsShowing(app)) {
            if (System.nanoTime() > deadline) {
                System.err.println("chorus demo: the bots' video did not show within " + SCREENSHOT_WAIT.toSeconds() + " s");
                app.leave();
                return 1;
            }
            Thread.sleep(100);
        }
        Thread.sleep(3000); // let the round-trip time settle after start-up
        MainWindow[] window = new MainWindow[1];
        SwingUtilities.invokeAndWait(() -> window[0] = app.window());
        WindowCapture.writePng(window[0].getRootPane(), file);
        System.out.println("Saved " + file);
        app.leave();
        app.closed().get(10, TimeUnit.SECONDS);
        return 0;
    }

    private static boolean bothBotsShowing(DesktopApp app) throws Exception {
        boolean[] showing = new boolean[1];
        SwingUtilities.invokeAndWait(() -> {
            MainWindow w = app.window();
            if (w == null) {
                return;
            }
            int remote = 0;
            int others = 0;
            boolean selfShowing = false;
            for (ParticipantTile tile : w.grid().visibleTiles()) {
                if (tile.self()) {
                    selfShowing = tile.showingVideo();
                } else {
                    others++;
                    remote += tile.showingVideo() ? 1 : 0;
                }
            }
            showing[0] = others > 0 && remote == others && selfShowing;
        });
        return showing[0];
    }

    private static Dimension parseSize(String text) {
        String[] parts = text.toLowerCase().split("x");
        try {
            if (parts.length == 2) {
                return new Dimension(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("--size must be WIDTHxHEIGHT, e.g. 1280x800, not '" + text + "'");
    }
}
