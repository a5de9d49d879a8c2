package chorus.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.bot.BotStats;
import chorus.client.files.FileTransfers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 50 MB file offered by one bot and downloaded by two others through a relay in its own JVM
 * with a 256 MB heap, its heap sampled over JMX all the while: the file arrives intact twice and
 * the relay never held it in memory.
 */
class LargeFileTransferTest {
    private static final int FILE_BYTES = 50 * 1024 * 1024;
    private static final long HEAP_LIMIT = 256L * 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Highest heap readings seen by {@link #sample}: in use (garbage included), and live after a GC. */
    private final AtomicLong peakInUse = new AtomicLong();
    private final AtomicLong peakLive = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private volatile String heapProblem;

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "within " + WAIT.toSeconds() + " s: " + what);
            Thread.sleep(20);
        }
    }

    /** Random bytes written a megabyte at a time: the test holds no whole file in memory either. */
    private static Path randomFile(Path file, int size) throws IOException {
        Random random = new Random(50);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, Math.min(chunk.length, size - written));
            }
        }
        return file;
    }

    /** Reads the relay's heap over and over until stopped: in use as it is, then live after a full GC. */
    private void sample(ServerProcess relay) {
        while (!Thread.currentThread().isInterrupted()) {
            ServerProcess.HeapReading inUse = relay.heapInUse();
            ServerProcess.HeapReading live = relay.heapAfterGc();
            if (inUse.bytes() == null || live.bytes() == null) {
                heapProblem = inUse.problem() != null ? inUse.problem() : live.problem();
                return;
            }
            peakInUse.accumulateAndGet(inUse.bytes(), Math::max);
            peakLive.accumulateAndGet(live.bytes(), Math::max);
            samples.incrementAndGet();
        }
    }

    @Test
    void a50MegabyteFileReachesTwoBotsIntactWhileTheRelayHeapStaysUnder256Megabytes() throws Exception {
        Path file = randomFile(Files.createDirectories(dir.resolve("alice")).resolve("dataset.bin"), FILE_BYTES);
        String sha256 = FileTransfers.sha256(file);
        Path store = Files.createDirectories(dir.resolve("relay-files"));
        ServerProcess.Options options = new ServerProcess.Options(System.getProperty("java.class.path"), "256m",
                List.of("-Dchorus.relay.files.directory=" + store), Duration.ofSeconds(60)).withArgs(List.of("--plaintext"));
        List<Bot> bots = new ArrayList<>();
        Thread sampler = null;
        try (ServerProcess relay = ServerProcess.start(ServerProcess.Kind.RELAY, options, dir.resolve("relay.log"))) {
            String room = "large-" + System.nanoTime();
            Bot bob = Bot.start(quiet(relay, "Bob", room).withDownloadAll(Files.createDirectories(dir.resolve("bob"))));
            bots.add(bob);
            Bot carol = Bot.start(quiet(relay, "Carol", room).withDownloadAll(Files.createDirectories(dir.resolve("carol"))));
            bots.add(carol);

            ServerProcess relayProcess = relay;
            sampler = new Thread(() -> sample(relayProcess), "heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
            Bot alice = Bot.start(quiet(relay, "Alice", room).withUpload(file));
            bots.add(alice);

            for (Bot b : List.of(bob, carol)) {
                await(b.snapshot().name() + " downloads the file", () -> b.snapshot().downloads().size() == 1);
            }
            sampler.interrupt();
            sampler.join(WAIT.toMillis());
            assertTrue(relay.alive(), "the relay is still running");

            BotStats.FileResult uploaded = alice.snapshot().uploads().get(0);
            assertTrue(uploaded.ok(), uploaded.toString());
            assertEquals(sha256, uploaded.sha256());
            for (Bot b : List.of(bob, carol)) {
                BotStats.FileResult got = b.snapshot().downloads().get(0);
                assertTrue(got.ok(), got.toString());
                assertEquals(FILE_BYTES, got.size());
                assertEquals(sha256, FileTransfers.sha256(Path.of(got.path())), b.snapshot().name() + "'s copy");
            }
        } finally {
            if (sampler != null) {
                sampler.interrupt();
            }
            bots.forEach(Bot::stop);
        }
        assertNull(heapProblem, "the relay's heap could be read");
        System.out.printf("relay heap over %d samples: peak in use %.1f MB, peak live after GC %.1f MB%n",
                samples.get(), peakInUse.get() / 1e6, peakLive.get() / 1e6);
        assertTrue(samples.get() >= 1, "the heap was sampled during the transfer");
        assertTrue(peakInUse.get() < HEAP_LIMIT, "relay heap in use peaked at " + peakInUse.get() + " bytes");
        // A relay that held the file (or a download of it) would keep 50 MB live across a GC.
        assertTrue(peakLive.get() < FILE_BYTES, "relay live heap peaked at " + peakLive.get()
                + " bytes, a whole file's worth: the file was held in memory");
    }

    /** No media: the transfer is what is measured. */
    private static BotOptions quiet(ServerProcess relay, String name, String room) {
        return BotOptions.of(relay.control(), name, room).withVideo(false).withSilence();
    }
}
