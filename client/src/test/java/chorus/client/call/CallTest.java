package chorus.client.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.device.DeviceKind;
import chorus.client.device.DeviceUnavailableException;
import chorus.client.device.MediaDevice;
import chorus.client.device.TestSources;
import chorus.client.media.TestScreen;
import chorus.client.session.RelayAddress;
import chorus.protocol.media.MediaKind;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The call the desktop app drives, without any UI: a real relay on loopback, real bots, and
 * synthetic devices (or ones that fail the way missing hardware does).
 */
class CallTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static RelayNode relay(int controlPort) throws IOException {
        return RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay { control-port = " + controlPort + ", keepalive { ping-interval = 250ms, timeout = 2s } }"));
    }

    private static CallOptions options(RelayNode relay, String name, String room) {
        return CallOptions.of(new RelayAddress("127.0.0.1", relay.controlPort()), name, room)
                .withReconnect(Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    private static String room(String what) {
        return what + "-" + System.nanoTime();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "within " + WAIT + ": " + what);
            Thread.sleep(20);
        }
    }

    /** A device that fails to open the way missing hardware does. */
    static <T extends AutoCloseable> MediaDevice<T> missing(String message) {
        return device("missing", () -> {
            throw new DeviceUnavailableException(message);
        });
    }

    interface Opener<T> {
        T open() throws DeviceUnavailableException;
    }

    static <T extends AutoCloseable> MediaDevice<T> device(String id, Opener<T> opener) {
        return new MediaDevice<>() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String label() {
                return id;
            }

            @Override
            public T open() throws DeviceUnavailableException {
                return opener.open();
            }
        };
    }

    @Test
    void rejoinsWithTheSameNameAndRoomWhenTheRelayComesBack() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String room = room("reconnect");
        RelayNode first = relay(port);
        RelayNode second = null;
        Call call = Call.start(options(first, "Ada", room), null);
        try {
            await("joined", () -> call.state() == CallState.JOINED);
            assertEquals(0, call.snapshot().reconnects());

            first.close();
            await("reconnecting once the relay is gone", () -> call.state() == CallState.RECONNECTING);
            CallSnapshot down = call.snapshot();
            assertNotNull(down.problem(), "says why");
            assertTrue(down.problem().startsWith("Lost the relay"), down.problem());
            Thread.sleep(1500); // several failed attempts while nothing listens
            assertEquals(CallState.RECONNECTING, call.state(), "keeps trying");

            second = relay(port);
            await("rejoined the new relay", () -> call.state() == CallState.JOINED);
            assertEquals(1, call.snapshot().reconnects());
            assertNull(call.snapshot().problem());
            try (Bot bob = Bot.start(BotOptions.of("127.0.0.1", port, "Bob", room).withSilence())) {
                assertEquals(List.of("Ada", "Bob"), bob.client().snapshot().rosterNames(), "same name, same room");
                await("the call sees Bob", () -> call.snapshot().otherNames().equals(List.of("Bob")));
            }
        } finally {
            call.close();
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void mutingStopsAudioDatagramsAndUnmutingResumesThem() throws Exception {
        try (RelayNode relay = relay(0)) {
            String room = room("mute");
            Call call = Call.start(options(relay, "Ada", room), null);
            try (Bot bob = Bot.start(BotOptions.of("127.0.0.1", relay.controlPort(), "Bob", room).withSilence())) {
                call.useMicrophone(TestSources.tone(523));
                await("joined", () -> call.state() == CallState.JOINED);
                await("Bob sees Ada", () -> bob.snapshot().roster().contains("Ada"));
                long start = relay.stats().packetsIn(MediaKind.AUDIO);
                await("audio arrives at the relay", () -> relay.stats().packetsIn(MediaKind.AUDIO) > start + 20);
                assertTrue(call.snapshot().microphone().active());
                await("the microphone counts as speaking", () -> call.snapshot().self().speaking());

                call.setMuted(true);
                await("muted", () -> !call.snapshot().microphone().active());
                Thread.sleep(200); // datagrams already on their way
                long muted = relay.stats().packetsIn(MediaKind.AUDIO);
                Thread.sleep(1000);
                assertEquals(muted, relay.stats().packetsIn(MediaKind.AUDIO), "no audio datagrams while muted");
                assertFalse(call.snapshot().self().speaking(), "a muted microphone is not speaking");

                call.setMuted(false);
                await("audio again after unmuting", () -> relay.stats().packetsIn(MediaKind.AUDIO) > muted + 20);
            } finally {
                call.close();
            }
        }
    }

    @Test
    void videoFlowsBothWaysAndStopsWhenTheCameraIsOff() throws Exception {
        try (RelayNode relay = relay(0)) {
            String room = room("video");
            Call call = Call.start(options(relay, "Ada", room), null);
            try (Bot bob = Bot.start(BotOptions.of("127.0.0.1", relay.controlPort(), "Bob", room).withSilence())) {
                call.useCamera(TestSources.pattern("Ada", 15));
                call.setCameraOn(true);
                await("Bob's picture is shown", () -> call.snapshot().participants().size() == 2
                        && call.snapshot().others().get(0).videoActive());
                ParticipantView bobView = call.snapshot().others().get(0);
                assertEquals("Bob", bobView.name());
                assertEquals(0, bobView.audioLevel(), "a silent participant's level, from the relay's reports");
                assertFalse(bobView.speaking());
                await("Ada's self view", () -> call.snapshot().self().videoActive());
                await("Bob receives Ada's video",
                        () -> bob.snapshot().framesReceivedFrom().getOrDefault("Ada", 0L) > 10);
                await("packet loss measured", () -> call.snapshot().packetLoss() >= 0);
                assertTrue(call.snapshot().packetLoss() < 0.05, "loopback loses almost nothing: " + call.snapshot().packetLoss());

                call.setCameraOn(false);
                await("camera off", () -> !call.snapshot().camera().active());
                assertFalse(call.snapshot().self().videoActive(), "self view shows the placeholder");
                assertNull(call.snapshot().self().image());
                Thread.sleep(300);
                long received = bob.snapshot().framesReceivedFrom().get("Ada");
                Thread.sleep(1000);
                assertEquals(received, bob.snapshot().framesReceivedFrom().get("Ada"), "no video once the camera is off");

                bob.call().setCameraOn(false); // the bot's camera
                await("Bob's tile falls back to the placeholder", () -> !call.snapshot().others().get(0).videoActive());
            } finally {
                call.close();
            }
        }
    }

    @Test
    void missingDevicesAreReportedAndTheCallCarriesOn() throws Exception {
        BlockingQueue<String> problems = new LinkedBlockingQueue<>();
        try (RelayNode relay = relay(0)) {
            Call call = Call.start(options(relay, "Ada", room("devices")), new CallListener() {
                @Override
                public void onDeviceProblem(DeviceKind kind, String message) {
                    problems.add(kind + ": " + message);
                }
            });
            try {
                call.useMicrophone(missing("No microphone found."));
                call.useCamera(missing("No camera found."));
                call.useSpeaker(missing("No speaker found."));
                call.setCameraOn(true);
                java.util.Set<String> reported = new java.util.TreeSet<>();
                for (int i = 0; i < 3; i++) {
                    reported.add(problems.poll(5, TimeUnit.SECONDS)); // each device on its own thread: any order
                }
                assertEquals(java.util.Set.of("MICROPHONE: No microphone found.", "CAMERA: No camera found.",
                        "SPEAKER: No speaker found."), reported);
                await("joined all the same", () -> call.state() == CallState.JOINED);
                CallSnapshot s = call.snapshot();
                assertFalse(s.microphone().active(), "cannot be unmuted without a microphone");
                assertEquals("No microphone found.", s.microphone().problem());
                assertFalse(s.camera().active());
                assertEquals("No camera found.", s.camera().problem());
                assertFalse(s.speaker().active());

                call.setCameraOn(true); // the button stays usable: each press tries again
                assertEquals("CAMERA: No camera found.", problems.poll(5, TimeUnit.SECONDS));
                call.useCamera(TestSources.pattern("Ada", 15)); // e.g. the test pattern chosen in settings
                call.setCameraOn(true);
                await("the test pattern works", () -> call.snapshot().self().videoActive());
                assertNull(call.snapshot().camera().problem());
                assertEquals(CallState.JOINED, call.state());
            } finally {
                call.close();
            }
        }
    }

    @Test
    void aRefusedNameEndsTheCallWithTheRelaysReason() throws Exception {
        AtomicInteger changes = new AtomicInteger();
        try (RelayNode relay = relay(0)) {
            Call call = Call.start(options(relay, "\u0007bell", room("refused")), new CallListener() {
                @Override
                public void onChange() {
                    changes.incrementAndGet();
                }
            });
            call.ended().get(10, TimeUnit.SECONDS);
            assertEquals(CallState.LEFT, call.state());
            assertTrue(call.snapshot().problem().contains("control characters"), call.snapshot().problem());
            assertTrue(changes.get() > 0);
        }
    }

    @Test
    void keepsTryingWhileTheRelayIsUnreachable() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Call call = Call.start(CallOptions.of(new RelayAddress("127.0.0.1", port), "Ada", room("unreachable"))
                .withReconnect(Duration.ofMillis(100), Duration.ofMillis(400)), null);
        try {
            await("says why it is not joined", () -> call.snapshot().problem() != null);
            assertEquals(CallState.CONNECTING, call.state());
            assertTrue(call.snapshot().problem().contains("127.0.0.1:" + port), call.snapshot().problem());
            try (RelayNode relay = relay(port)) {
                assertEquals(port, relay.controlPort());
                await("joins once the relay is up", () -> call.state() == CallState.JOINED);
                assertEquals(0, call.snapshot().reconnects(), "a first join is not a reconnect");
                call.leave().get(10, TimeUnit.SECONDS);
                assertEquals(CallState.LEFT, call.state());
            }
        } finally {
            call.close();
        }
    }
    @Test
    void othersShowAsSpeakingFromTheRelaysLevelsAndOnlyWhileTheySendSound() throws Exception {
        try (RelayNode relay = relay(0)) {
            String room = room("speaking");
            try (Bot alice = Bot.start(BotOptions.of("127.0.0.1", relay.controlPort(), "Alice", room).withVideo(false));
                 Bot bob = Bot.start(BotOptions.of("127.0.0.1", relay.controlPort(), "Bob", room).withVideo(false)
                         .withSilence())) {
                Call call = Call.start(options(relay, "Ada", room), null);
                try {
                    await("Alice speaks", () -> view(call, "Alice") != null && view(call, "Alice").speaking());
                    ParticipantView a = view(call, "Alice");
                    assertTrue(a.audioLevel() > 0.1, "a tone at a quarter of full scale: " + a.audioLevel());
                    // Watched for a second while Alice keeps talking: Bob, who sends nothing, never lights up.
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    while (System.nanoTime() < until) {
                        ParticipantView b = view(call, "Bob");
                        assertFalse(b.speaking(), "Bob is silent");
                        assertEquals(0, b.audioLevel());
                        Thread.sleep(20);
                    }
                    assertTrue(view(call, "Alice").speaking(), "Alice still speaks");
                    alice.call().setMuted(true); // the bot's microphone
                    await("Alice stops speaking when her sound stops", () -> !view(call, "Alice").speaking());
                } finally {
                    call.close();
                }
            }
        }
    }

    private static ParticipantView view(Call call, String name) {
        return call.snapshot().others().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    @Test
    void chatScreenAndFilesShowInTheSnapshotAndSurviveAReconnection() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        java.nio.file.Path downloads = java.nio.file.Files.createTempDirectory("chorus-call-test");
        RelayNode relay = relay(port);
        String room = room("collab");
        Call call = Call.start(options(relay, "Ada", room), null);
        try {
            await("joined", () -> call.state() == CallState.JOINED);
            java.nio.file.Path notes = java.nio.file.Files.writeString(downloads.resolve("notes.txt"), "agenda\n");
            try (Bot bob = Bot.start(BotOptions.of("127.0.0.1", port, "Bob", room).withVideo(false).withSilence()
                    .withSay("hello Ada").withShareScreen(true).withUpload(notes))) {
                await("Bob's message", () -> call.snapshot().chat().size() == 1);
                ChatLine hello = call.snapshot().chat().get(0);
                assertEquals("Bob", hello.from());
                assertFalse(hello.self());
                assertEquals(1, call.snapshot().unreadChat());
                call.markChatRead();
                assertEquals(0, call.snapshot().unreadChat());
                call.sendChat("hi Bob");
                await("Ada's own message comes back", () -> call.snapshot().chat().size() == 2);
                assertTrue(call.snapshot().chat().get(1).self());
                assertEquals(0, call.snapshot().unreadChat(), "your own messages are never unread");

                await("Bob's screen", () -> call.snapshot().screen() != null && call.snapshot().screen().image() != null);
                assertEquals("Bob", call.snapshot().screen().presenterName());
                call.startScreenShare(new TestScreen("Ada"));
                await("Ada is refused", () -> call.snapshot().screenProblem() != null);
                assertEquals("Bob is presenting", call.snapshot().screenProblem());
                assertFalse(call.snapshot().screenShareWanted());

                await("Bob's file is offered", () -> call.snapshot().files().size() == 1);
                FileView offered = call.snapshot().files().get(0);
                assertEquals(TransferState.NOT_STARTED, offered.download());
                java.nio.file.Path inbox = java.nio.file.Files.createDirectories(downloads.resolve("inbox"));
                call.download(offered.fileId(), inbox);
                await("downloaded", () -> call.snapshot().file(offered.fileId()).download() == TransferState.DONE);
                assertEquals(1.0, call.snapshot().file(offered.fileId()).progress());
                assertEquals("agenda\n", java.nio.file.Files.readString(call.snapshot().file(offered.fileId()).savedTo()));

                java.nio.file.Path slides = java.nio.file.Files.write(downloads.resolve("slides.bin"), new byte[200_000]);
                call.upload(slides);
                // The offer (control) and the upload's answer (HTTP) arrive in either order.
                await("Ada's upload is offered and done", () -> call.snapshot().files().size() == 2
                        && call.snapshot().uploads().get(0).state() != TransferState.RUNNING);
                UploadView sent = call.snapshot().uploads().get(0);
                assertEquals(TransferState.DONE, sent.state(), "upload: " + sent.problem());
                assertEquals(1.0, sent.progress());
                FileView mine = call.snapshot().file(sent.fileId());
                assertTrue(mine.mine(), "offered by you");
                assertEquals(200_000, mine.size());
                await("Bob hears of it", () -> bob.client().offeredFiles().size() == 2);
            }
            await("nobody presents once Bob left", () -> call.snapshot().screen() == null);
            relay.close();
            await("reconnecting", () -> call.state() == CallState.RECONNECTING);
            relay = relay(port);
            await("rejoined", () -> call.state() == CallState.JOINED);
            assertEquals(List.of("hello Ada", "hi Bob"), call.snapshot().chat().stream().map(ChatLine::text).toList(),
                    "the chat seen so far is kept");
            call.sendChat("back again");
            await("and goes on", () -> call.snapshot().chat().size() == 3);
            assertTrue(call.snapshot().chat().get(2).self());
        } finally {
            call.close();
            relay.close();
        }
    }
}
