package chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.bot.BotStats;
import chorus.client.files.FileTransferException;
import chorus.client.files.FileTransfers;
import chorus.client.media.TestScreen;
import chorus.client.session.ChorusClient;
import chorus.client.session.ClientListener;
import chorus.client.session.ClientOptions;
import chorus.client.session.RelayAddress;
import chorus.client.session.VideoFrame;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ErrorCode;
import chorus.relay.RelayNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chat, screen sharing and file sharing between real bots through a real relay on loopback, and
 * every bad input answered: what the participants would notice, from their stats and their disks.
 * (The 50 MB transfer under a small relay heap is {@code chorus.client.load.LargeFileTransferTest}.)
 */
class CollaborationEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The relay's upload limit here: small, so "too large" is cheap to try. */
    private static final int MAX_BYTES = 1_000_000;
    private static RelayNode relay;
    @TempDir
    static Path relayFiles;

    @TempDir
    Path dir;
    private final List<Bot> bots = new ArrayList<>();

    @BeforeAll
    static void startRelay() throws IOException {
        relay = RelayNode.startOnLoopback(ConfigFactory.parseString("chorus.relay { keepalive { ping-interval = 250ms, "
                + "timeout = 2s }, files { max-bytes = " + MAX_BYTES + ", directory = \""
                + relayFiles.toString().replace("\\", "/") + "\" } }"));
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    @AfterEach
    void stopBots() {
        bots.forEach(Bot::stop);
    }

    /** A quiet bot (no video, no tone) unless the test wants media: these tests are about the rest. */
    private BotOptions quiet(String name, String room) {
        return BotOptions.of("127.0.0.1", relay.controlPort(), name, room).withVideo(false).withSilence();
    }

    private Bot start(BotOptions options) throws IOException {
        Bot bot = Bot.start(options);
        bots.add(bot);
        return bot;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "within " + WAIT.toSeconds() + " s: " + what);
            Thread.sleep(10);
        }
    }

    private static String room(String what) {
        return what + "-" + System.nanoTime();
    }

    private Path randomFile(String name, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Path file = dir.resolve("sent").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    /** Every file under {@code root}, partial ones included. */
    private static List<Path> filesUnder(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }

    /** A chat message as everyone should see it: who, what, and its place in the room's order. */
    private static List<String> lines(BotStats stats) {
        return stats.chat().stream().map(l -> l.id() + " " + l.from() + ": " + l.text()).toList();
    }

    @Test
    void threeBotsChatAtOnceAndAllSeeEveryMessageInTheSameOrder() throws Exception {
        String room = room("chat");
        List<Bot> three = List.of(start(quiet("Alice", room)), start(quiet("Bob", room)), start(quiet("Carol", room)));
        ExecutorService talkers = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> talking = new ArrayList<>();
            for (Bot bot : three) {
                String name = bot.snapshot().name();
                talking.add(talkers.submit(() -> {
                    for (int i = 1; i <= 5; i++) {
                        bot.say(i + " from " + name + " \u2014 h\u00e9llo \uD83C\uDF89");
                    }
                }));
            }
            for (Future<?> f : talking) {
                f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            talkers.shutdownNow();
        }
        for (Bot bot : three) {
            await(bot.snapshot().name() + " sees all 15 messages", () -> bot.snapshot().chat().size() == 15);
        }
        List<String> seenByAlice = lines(three.get(0).snapshot());
        assertEquals(seenByAlice, lines(three.get(1).snapshot()), "Bob sees Alice's order");
        assertEquals(seenByAlice, lines(three.get(2).snapshot()), "Carol sees Alice's order");
        List<BotStats.ChatLine> chat = three.get(0).snapshot().chat();
        for (int i = 1; i < chat.size(); i++) {
            assertEquals(chat.get(i - 1).id() + 1, chat.get(i).id(), "ids count up by one: " + seenByAlice);
        }
        for (String name : List.of("Alice", "Bob", "Carol")) {
            assertEquals(List.of(1, 2, 3, 4, 5).stream().map(i -> i + " from " + name + " \u2014 h\u00e9llo \uD83C\uDF89").toList(),
                    chat.stream().filter(l -> l.from().equals(name)).map(BotStats.ChatLine::text).toList(),
                    name + "'s messages arrive in the order sent, intact");
        }
        assertTrue(chat.stream().noneMatch(BotStats.ChatLine::history), "all sent while everyone was there");

        JsonNode json = new ObjectMapper().readTree(three.get(1).stop().toJson());
        assertEquals(15, json.get("chat").size());
        assertEquals(chat.get(0).from(), json.get("chat").get(0).get("from").asText());
        assertEquals(chat.get(0).text(), json.get("chat").get(0).get("text").asText());
        assertEquals(chat.get(0).id(), json.get("chat").get(0).get("id").asLong());
    }

    @Test
    void aLateJoinerGetsTheChatHistoryAndEveryFileOfferedBeforeItJoined() throws Exception {
        String room = room("late");
        Path report = randomFile("report.pdf", 300_000, 1);
        Bot alice = start(quiet("Alice", room).withSay("first", "second").withUpload(report));
        await("Alice's upload is done", () -> alice.snapshot().uploads().size() == 1);
        assertTrue(alice.snapshot().uploads().get(0).ok(), alice.snapshot().uploads().toString());
        alice.say("third");
        await("Alice sees her three messages", () -> alice.snapshot().chat().size() == 3);

        Path inbox = Files.createDirectories(dir.resolve("late-inbox"));
        Bot late = start(quiet("Late", room).withDownloadAll(inbox));
        await("the history arrives", () -> late.snapshot().chat().size() == 3);
        BotStats seen = late.snapshot();
        assertEquals(List.of("first", "second", "third"), seen.chatTexts());
        assertTrue(seen.chat().stream().allMatch(BotStats.ChatLine::history), "marked as history: " + seen.chat());
        assertEquals(lines(alice.snapshot()), lines(seen), "the same ids and order as Alice saw");

        await("the earlier file is downloaded", () -> late.snapshot().downloads().size() == 1);
        BotStats.FileResult got = late.snapshot().downloads().get(0);
        assertTrue(got.ok(), got.toString());
        assertEquals("report.pdf", got.name());
        assertEquals(FileTransfers.sha256(report), got.sha256());
        assertEquals(inbox.resolve("report.pdf").toString(), got.path());
        assertEquals(FileTransfers.sha256(report), FileTransfers.sha256(inbox.resolve("report.pdf")));
        assertEquals(List.of(inbox.resolve("report.pdf")), filesUnder(inbox), "nothing else left in the directory");
    }

    @Test
    void aFileOfferedByOneBotIsDownloadedByTheOthersIntact() throws Exception {
        String room = room("files");
        Path bobsDir = Files.createDirectories(dir.resolve("bob"));
        Path carolsDir = Files.createDirectories(dir.resolve("carol"));
        Bot bob = start(quiet("Bob", room).withDownloadAll(bobsDir));
        Bot carol = start(quiet("Carol", room).withDownloadAll(carolsDir));
        Path photos = randomFile("holiday photos.zip", 900_000, 2);
        Bot alice = start(quiet("Alice", room).withUpload(photos));
        for (Bot b : List.of(bob, carol)) {
            await(b.snapshot().name() + " downloads it", () -> b.snapshot().downloads().size() == 1);
            BotStats.FileResult got = b.snapshot().downloads().get(0);
            assertTrue(got.ok(), got.toString());
            assertEquals(900_000, got.size());
            assertEquals(FileTransfers.sha256(photos), FileTransfers.sha256(Path.of(got.path())), "SHA-256 on both ends");
        }
        // The others' downloads can end before Alice has read the relay's answer to her upload.
        await("Alice's upload is done", () -> alice.snapshot().uploads().size() == 1);
        FileInfo offered = bob.client().offeredFiles().get(0);
        assertEquals("holiday photos.zip", offered.name());
        assertEquals("Alice", offered.uploaderName());
        assertEquals(900_000, offered.size());
        assertEquals(offered.fileId(), alice.snapshot().uploads().get(0).fileId());
    }

    @Test
    void aSharedScreenReachesTheOthersAndASecondPresenterIsToldWhoIsPresenting() throws Exception {
        String room = room("screen");
        Bot bob = start(quiet("Bob", room));
        AtomicReference<BufferedImage> screen = new AtomicReference<>();
        List<String> presenters = new CopyOnWriteArrayList<>();
        try (ChorusClient carol = ChorusClient.connect(ClientOptions.of(new RelayAddress("127.0.0.1", relay.controlPort()),
                "Carol", room), new ClientListener() {
                    @Override
                    public void onScreenFrame(VideoFrame frame) {
                        screen.set(frame.image());
                    }

                    @Override
                    public void onPresenterChanged(chorus.protocol.control.ControlMessage.ParticipantInfo presenter) {
                        presenters.add(presenter == null ? "nobody" : presenter.name());
                    }
                })) {
            // Alice sends her camera too: one sender, two streams, reassembled apart.
            Bot alice = start(quiet("Alice", room).withVideo(true).withShareScreen(true));
            await("Bob receives Alice's screen", () -> bob.snapshot().screenFramesReceived() >= 3);
            await("and her camera", () -> bob.snapshot().receivedFrom("Alice") >= 3);
            await("Carol receives Alice's screen", () -> screen.get() != null);
            assertEquals(TestScreen.WIDTH, screen.get().getWidth());
            assertEquals(TestScreen.HEIGHT, screen.get().getHeight());
            // The screen's datagrams (UDP) can overtake the presenter message (TCP).
            await("Carol is told who presents", () -> carol.presenter() != null);
            assertEquals("Alice", carol.presenter().name());
            assertEquals(0, bob.snapshot().videoDecodeErrors(), "every camera and screen frame decodes");
            assertEquals(0, bob.snapshot().drops().getOrDefault(chorus.protocol.media.DropReason.WRONG_PORT.label(), 0L), "screen is accepted on the video socket");

            Bot dave = start(quiet("Dave", room).withShareScreen(true));
            await("Dave is refused", () -> dave.snapshot().screenShareRefused() != null);
            assertEquals("Alice is presenting", dave.snapshot().screenShareRefused());
            assertEquals(List.of(ErrorCode.PRESENTER_BUSY.wire()), dave.snapshot().relayErrorCodes());
            long daveSent = dave.snapshot().screenFramesSent();
            assertEquals(0, daveSent, "a refused presenter sends nothing");
            assertEquals("Alice", dave.client().presenter().name(), "and is told who presents");

            long before = bob.snapshot().screenFramesReceived();
            alice.stop(); // the presenter leaves: the share ends
            await("Carol is told nobody presents", () -> carol.presenter() == null);
            // Her listener hears of it just after her room state has it.
            await("Carol's listener hears it too", () -> presenters.size() == 2);
            assertEquals(List.of("Alice", "nobody"), presenters);
            assertTrue(bob.snapshot().screenFramesReceived() >= before);
        }
    }

    @Test
    void badInputsAreRefusedWithTheirCodesAndLeaveNothingBehind() throws Exception {
        String room = room("bad");
        Bot alice = start(quiet("Alice", room));
        Bot bob = start(quiet("Bob", room));
        FileTransfers files = alice.client().files();
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path roomStore = relay.files().file(room, new UUID(0, 0).toString()).getParent(); // the room's directory

        // A chat message over 4 000 characters: refused, and nobody receives it.
        alice.say("x".repeat(4001));
        await("Alice is told", () -> alice.snapshot().relayErrorCodes().contains(ErrorCode.MESSAGE_TOO_LONG.wire()));
        assertTrue(alice.snapshot().relayErrors().get(0).message().contains("4001"), alice.snapshot().relayErrors().toString());
        alice.say("y".repeat(4000));
        await("the longest allowed message arrives", () -> bob.snapshot().chat().size() == 1);
        assertEquals(4000, bob.snapshot().chat().get(0).text().length(), "and only it: " + bob.snapshot().chatTexts());

        // An upload over the relay's limit.
        Path big = randomFile("big.bin", MAX_BYTES + 1, 3);
        FileTransferException tooBig = assertThrows(FileTransferException.class,
                () -> files.upload(big, FileTransfers.Progress.NONE));
        assertEquals(ErrorCode.FILE_TOO_LARGE.wire(), tooBig.code());
        assertTrue(tooBig.getMessage().contains(Integer.toString(MAX_BYTES)), tooBig.getMessage());

        // Names that are paths or hold control characters.
        Path small = randomFile("small.txt", 100, 4);
        for (String name : List.of("../../etc/passwd", "bell\u0007.txt", "C:\\Windows\\win.ini", "..")) {
            FileTransferException badName = assertThrows(FileTransferException.class,
                    () -> files.upload(small, name, FileTransfers.Progress.NONE), name);
            assertEquals(ErrorCode.BAD_FILE_NAME.wire(), badName.code(), name);
        }

        // An upload cut off midway: the uploading thread is interrupted after some bytes.
        Path cut = randomFile("cut.bin", 900_000, 5);
        AtomicReference<Throwable> cutOff = new AtomicReference<>();
        Thread uploader = new Thread(() -> {
            try {
                files.upload(cut, (done, total) -> {
                    if (done >= 200_000) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (Throwable e) {
                cutOff.set(e);
            }
        });
        uploader.start();
        uploader.join(WAIT.toMillis());
        assertEquals(FileTransferException.CANCELLED, ((FileTransferException) cutOff.get()).code(), String.valueOf(cutOff.get()));
        await("the relay removes the partial upload", () -> {
            try {
                return filesUnder(roomStore).isEmpty();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });

        // Downloads of a file that does not exist, and of another room's file.
        FileInfo madeUp = new FileInfo(UUID.randomUUID().toString(), "nothing.txt", 10, "0".repeat(64), "p", "Nobody", 0);
        FileTransferException unknown = assertThrows(FileTransferException.class,
                () -> files.download(madeUp, inbox, FileTransfers.Progress.NONE));
        assertEquals(ErrorCode.UNKNOWN_FILE.wire(), unknown.code());
        try (Bot eve = Bot.start(quiet("Eve", room + "-elsewhere").withUpload(small))) {
            await("Eve's upload is done", () -> eve.snapshot().uploads().size() == 1 && eve.snapshot().uploads().get(0).ok());
            // The relay's answer to the upload (HTTP) can arrive before its offer of the file (control).
            await("Eve is offered her file", () -> !eve.client().offeredFiles().isEmpty());
            FileInfo elsewhere = eve.client().offeredFiles().get(0);
            FileTransferException otherRoom = assertThrows(FileTransferException.class,
                    () -> files.download(elsewhere, inbox, FileTransfers.Progress.NONE));
            assertEquals(ErrorCode.UNKNOWN_FILE.wire(), otherRoom.code());
        }
        assertEquals(List.of(), filesUnder(inbox), "no partial download left");

        // Nothing of the above was announced or kept: the first file the room hears of is a good one.
        assertEquals(List.of(), filesUnder(roomStore), "nothing kept on the relay");
        FileInfo good = files.upload(small, "good.txt", FileTransfers.Progress.NONE);
        await("Bob hears of the good file", () -> !bob.client().offeredFiles().isEmpty());
        assertEquals(List.of(good), bob.client().offeredFiles(), "and of nothing before it");
        assertEquals(List.of(good), files.list());
        assertNull(bob.snapshot().screenShareRefused());
        assertFalse(alice.snapshot().relayErrorCodes().contains(ErrorCode.INTERNAL.wire()));
        assertNotNull(alice.client().files());
    }
}
