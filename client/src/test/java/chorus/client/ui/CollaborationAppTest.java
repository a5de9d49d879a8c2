package chorus.client.ui;

import static chorus.client.ui.Gui.await;
import static chorus.client.ui.Gui.click;
import static chorus.client.ui.Gui.edt;
import static chorus.client.ui.Gui.onEdt;
import static chorus.client.ui.Gui.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.bot.BotStats;
import chorus.client.call.CallState;
import chorus.client.files.FileTransfers;
import chorus.client.session.RelayAddress;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chat, files, screen sharing and speaking indicators in the desktop app, in a real window (Xvfb
 * on CI) with real bots on a real relay on loopback, driven the way a user drives it.
 */
class CollaborationAppTest {
    private static RelayNode relay;
    @TempDir
    static Path relayFiles;

    @TempDir
    Path dir;
    private final List<Bot> bots = new ArrayList<>();
    private final AppPreferences prefs = Gui.freshPreferences();
    private DesktopApp app;

    @BeforeAll
    static void start() throws IOException {
        Gui.requireDisplay();
        relay = RelayNode.startOnLoopback(ConfigFactory.parseString("chorus.relay { keepalive { ping-interval = 250ms, "
                + "timeout = 2s }, files.directory = \"" + relayFiles.toString().replace("\\", "/") + "\" }"));
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

    private static String room(String what) {
        return what + "-" + System.nanoTime();
    }

    private Bot bot(BotOptions options) throws IOException {
        Bot bot = Bot.start(options);
        bots.add(bot);
        return bot;
    }

    /** A bot without video or sound unless asked: these tests are about the rest. */
    private static BotOptions quiet(String name, String room) {
        return BotOptions.of("127.0.0.1", relay.controlPort(), name, room).withVideo(false).withSilence();
    }

    private MainWindow launch(String room) throws Exception {
        app = DesktopApp.launch(LaunchOptions.of(new RelayAddress("127.0.0.1", relay.controlPort()), "Ada", room)
                .withTestSource(true, true).withWindowSize(new java.awt.Dimension(1300, 800)), prefs);
        await("the window is on the screen", edt(() -> app.window() != null && app.window().isShowing()));
        await("joined", () -> app.call() != null && app.call().state() == CallState.JOINED);
        return onEdt(app::window);
    }

    private static void showTab(MainWindow window, int tab) throws Exception {
        onEdt(() -> {
            window.sidebarTabs().setSelectedIndex(tab);
            return null;
        });
    }

    private static ParticipantTile tile(MainWindow window, String label) throws Exception {
        return onEdt(() -> window.grid().visibleTiles().stream().filter(t -> t.label().equals(label)).findFirst()
                .orElse(null));
    }

    @Test
    void aMessageSentFromTheAppIsAnsweredByABotAndUnreadMessagesShowOnTheChatTab() throws Exception {
        String room = room("chat");
        Bot alice = bot(quiet("Alice", room));
        MainWindow window = launch(room);

        alice.say("Welcome, Ada!");
        await("the unread badge on the chat tab", edt(() -> Gui.find(window, "chat.unread", JLabel.class).isShowing()));
        assertEquals("1", text(window, "chat.unread"));
        showTab(window, MainWindow.CHAT_TAB);
        await("the badge goes once the chat is shown", edt(() -> !Gui.find(window, "chat.unread", JLabel.class).isVisible()));
        assertEquals(0, app.call().snapshot().unreadChat());

        onEdt(() -> {
            window.chat().input().setText("Hello Alice, can you hear me?");
            return null;
        });
        click(window, "chat.send");
        await("Alice sees Ada's message", () -> alice.snapshot().chatTexts().contains("Hello Alice, can you hear me?"));
        alice.say("Loud and clear, Ada.");
        await("Alice's reply shows in the chat", edt(() -> window.chat().entries().contains("Alice: Loud and clear, Ada.")));
        assertEquals(List.of("Alice: Welcome, Ada!", "You: Hello Alice, can you hear me?", "Alice: Loud and clear, Ada."),
                onEdt(() -> window.chat().entries()));
        assertEquals("", onEdt(() -> window.chat().input().getText()), "the input is cleared once sent");
        Gui.save(window.getRootPane(), "chat");

        // Too long: the relay's refusal is shown, and nobody receives the message.
        onEdt(() -> {
            window.chat().input().setText("x".repeat(4001));
            return null;
        });
        click(window, "chat.send");
        await("the refusal is shown", edt(() -> Gui.find(window, "chat.problem", JLabel.class).isShowing()));
        assertTrue(text(window, "chat.problem").contains("4001"), text(window, "chat.problem"));
        alice.say("still here");
        await("the chat goes on", edt(() -> window.chat().entries().contains("Alice: still here")));
        // Ada's app can have Alice's message before Alice has it back herself.
        await("Alice has her own message back", () -> alice.snapshot().chatTexts().contains("still here"));
        assertEquals(4, alice.snapshot().chat().size(), "the long message reached nobody: " + alice.snapshot().chatTexts());
    }

    @Test
    void aFileOfferedByABotAppearsWithADownloadButtonAndDownloadsWithAProgressBar() throws Exception {
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        prefs.downloadDirectory(downloads);
        byte[] content = new byte[3_000_000];
        new Random(7).nextBytes(content);
        Path sent = Files.write(Files.createDirectories(dir.resolve("bob")).resolve("minutes.pdf"), content);
        String room = room("files");
        MainWindow window = launch(room);
        showTab(window, MainWindow.FILES_TAB);

        Bot bob = bot(quiet("Bob", room).withUpload(sent));
        await("Bob's upload is done", () -> bob.snapshot().uploads().size() == 1);
        BotStats.FileResult uploaded = bob.snapshot().uploads().get(0);
        assertTrue(uploaded.ok(), uploaded.toString());
        await("the offer appears", edt(() -> window.files().row("file", uploaded.fileId()) != null
                && window.files().row("file", uploaded.fileId()).isShowing()));
        JPanel row = onEdt(() -> window.files().row("file", uploaded.fileId()));
        assertEquals("minutes.pdf", text(row, "file.name"));
        assertEquals("3.0 MB \u00b7 from Bob", text(row, "file.status"));
        assertEquals("Download", text(row, "file.download"));
        assertFalse(onEdt(() -> Gui.find(row, "file.progress", JProgressBar.class).isVisible()), "no progress before");

        click(row, "file.download");
        await("the download completes", edt(() -> text(row, "file.status").startsWith("Saved to")));
        JProgressBar progress = onEdt(() -> Gui.find(row, "file.progress", JProgressBar.class));
        assertTrue(onEdt(progress::isShowing));
        assertEquals(progress.getMaximum(), (int) onEdt(progress::getValue), "the progress bar is full");
        assertEquals("100%", onEdt(progress::getString));
        Path saved = downloads.resolve("minutes.pdf");
        assertEquals("Saved to " + saved, text(row, "file.status"));
        assertEquals(FileTransfers.sha256(sent), FileTransfers.sha256(saved), "SHA-256 matches the uploaded file");
        assertEquals(List.of(saved), Files.list(downloads).toList(), "nothing else left in the downloads folder");
        Gui.save(window.getRootPane(), "files");
    }

    @Test
    void aBotWithAToneShowsAsSpeakingAndASilentBotDoesNot() throws Exception {
        String room = room("speaking");
        bot(BotOptions.of("127.0.0.1", relay.controlPort(), "Alice", room).withTone(440));
        bot(BotOptions.of("127.0.0.1", relay.controlPort(), "Bob", room).withSilence());
        MainWindow window = launch(room);
        await("Alice's tile lights up", edt(() -> tile(window, "Alice") != null && tile(window, "Alice").speaking()));
        ParticipantTile alice = tile(window, "Alice");
        ParticipantTile bob = tile(window, "Bob");
        // Watched for a second while Alice keeps talking: Bob's ring never lights, Alice's stays on.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < until) {
            assertFalse(onEdt(bob::speaking), "Bob sends no sound");
            Thread.sleep(50);
        }
        assertTrue(onEdt(alice::speaking));
        BufferedImage shot = Gui.screenshot(alice);
        int edge = shot.getRGB(2, shot.getHeight() / 2) & 0xFFFFFF;
        assertEquals(ParticipantTile.SPEAKING.getRGB() & 0xFFFFFF, edge, "the green ring is drawn on Alice's tile");
        BufferedImage quiet = Gui.screenshot(bob);
        assertFalse((quiet.getRGB(2, quiet.getHeight() / 2) & 0xFFFFFF) == (ParticipantTile.SPEAKING.getRGB() & 0xFFFFFF),
                "no ring on Bob's");
        Gui.save(window.getRootPane(), "speaking");
    }

    @Test
    void aBotsScreenIsTheLargeTileAndSharingWhileItPresentsIsRefusedByName() throws Exception {
        String room = room("screen");
        Bot alice = bot(quiet("Alice", room).withShareScreen(true));
        MainWindow window = launch(room);
        await("Alice's screen is the large tile", edt(() -> window.grid().screenTile() != null
                && window.grid().screenTile().showingScreen()));
        ScreenTile screen = onEdt(() -> window.grid().screenTile());
        assertEquals("Alice", onEdt(screen::presenter));
        ParticipantTile you = tile(window, "You");
        assertTrue(onEdt(() -> screen.getWidth() > 2 * you.getWidth()), "the screen is the large tile");
        long frames = onEdt(screen::frames);
        await("the screen keeps coming", edt(() -> screen.frames() > frames));
        Gui.save(window.getRootPane(), "screen");

        click(window, "share");
        await("the refusal names the presenter", edt(() -> window.notices().screenMessage() != null));
        assertEquals("Alice is presenting", onEdt(() -> window.notices().screenMessage()));
        await("the button offers to share again", edt(() -> text(window, "share").equals("Share screen")));

        alice.stop(); // the presenter leaves: the grid is back
        await("the large tile goes", edt(() -> window.grid().screenTile() == null));
        assertTrue(onEdt(() -> tile(window, "You") != null));
    }

    @Test
    void theScreenSharedFromTheAppReachesTheBotsUntilSharingStops() throws Exception {
        String room = room("present");
        Bot bob = bot(quiet("Bob", room));
        MainWindow window = launch(room);
        click(window, "share");
        await("Bob receives Ada's screen", () -> bob.snapshot().screenFramesReceived() >= 3);
        // The screen's datagrams (UDP) can overtake the presenter message (TCP).
        await("Bob is told who presents", () -> bob.client().presenter() != null);
        assertEquals("Ada", bob.client().presenter().name());
        assertEquals("Stop sharing", text(window, "share"));
        assertNull(onEdt(() -> window.grid().screenTile()), "your own screen is not shown back to you");
        assertNull(onEdt(() -> window.notices().screenMessage()));

        click(window, "share");
        await("Bob is told the share ended", () -> bob.client().presenter() == null);
        await("the button offers to share again", edt(() -> text(window, "share").equals("Share screen")));
        long received = bob.snapshot().screenFramesReceived();
        assertTrue(received >= 3);
        assertEquals(0, onEdt(() -> Gui.find(window, "chat.unread", JLabel.class).isVisible()) ? 1 : 0);
        assertTrue(onEdt(() -> Gui.find(window, "share", JButton.class).isEnabled()));
    }
}
