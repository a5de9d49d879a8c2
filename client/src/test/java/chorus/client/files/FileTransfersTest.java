package chorus.client.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage.FileInfo;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client does with whatever a file service sends it, checked against a stand-in server that
 * misbehaves in ways the real relay does not (the real relay is in CollaborationEndToEndTest): a
 * download is saved only whole and matching its SHA-256, under a safe name inside the chosen
 * directory, and a failed one leaves nothing.
 */
class FileTransfersTest {
    private static final byte[] CONTENT = "the minutes of the meeting\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    private HttpServer server;
    /** What the stand-in serves for the next download: status, SHA-256 header, declared length, body. */
    private final AtomicReference<Served> served = new AtomicReference<>();
    private final AtomicReference<String> lastPath = new AtomicReference<>();
    private FileTransfers files;

    private record Served(String sha256Header, long declaredLength, byte[] body) {
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            lastPath.set(exchange.getRequestURI().getRawPath());
            Served s = served.get();
            if (s.sha256Header() != null) {
                exchange.getResponseHeaders().add(FileTransfers.SHA256_HEADER, s.sha256Header());
            }
            exchange.sendResponseHeaders(200, s.declaredLength());
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(s.body());
            } catch (IOException e) {
                // the stand-in cut the body short on purpose
            }
            exchange.close();
        });
        server.start();
        files = FileTransfers.of(InetAddress.getLoopbackAddress(), server.getAddress().getPort(), "daily standup", "t0ken");
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static FileInfo offer(String name, byte[] content) throws Exception {
        return new FileInfo(UUID.randomUUID().toString(), name, content.length, sha256(content), "p-1", "Ada", 0);
    }

    private List<Path> filesInDir() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aDownloadIsSavedUnderItsNameAndTheRoomIsEncodedInThePath() throws Exception {
        served.set(new Served(sha256(CONTENT), CONTENT.length, CONTENT));
        FileInfo file = offer("minutes.txt", CONTENT);
        Path saved = files.download(file, dir, FileTransfers.Progress.NONE);
        assertEquals(dir.resolve("minutes.txt"), saved);
        assertEquals("the minutes of the meeting\n", Files.readString(saved));
        assertEquals("/rooms/daily%20standup/files/" + file.fileId(), lastPath.get());

        Path again = files.download(file, dir, FileTransfers.Progress.NONE);
        assertEquals(dir.resolve("minutes (1).txt"), again, "an existing file is never overwritten");
        assertEquals(2, filesInDir().size());
    }

    @Test
    void namesThatArePathsOrHoldControlCharactersAreSavedInsideTheDirectoryUnderASafeName() throws Exception {
        served.set(new Served(sha256(CONTENT), CONTENT.length, CONTENT));
        for (String name : List.of("../../etc/passwd", "..\\..\\Windows\\win.ini", "/abs/olute.txt", "..", "bell\u0007.txt",
                "CON.txt", ".bashrc", "a:b?.txt")) {
            Path saved = files.download(offer(name, CONTENT), dir, FileTransfers.Progress.NONE);
            assertEquals(dir, saved.getParent(), name + " was saved as " + saved);
        }
        assertEquals(List.of("_CON.txt", "a_b_.txt", "bashrc", "bell_.txt", "download", "olute.txt", "passwd", "win.ini"),
                filesInDir().stream().map(p -> p.getFileName().toString()).sorted().toList());
    }

    @Test
    void safeNamesKeepWhatTheyCanAndStayShort() {
        assertEquals("report.pdf", FileNames.safeName("report.pdf"));
        assertEquals("holiday photos+1.zip", FileNames.safeName("holiday photos+1.zip"));
        assertEquals("Zürich 🎉.txt", FileNames.safeName("Zürich 🎉.txt"));
        assertEquals("download", FileNames.safeName("..."));
        assertEquals("download", FileNames.safeName(" "));
        assertEquals("notes", FileNames.safeName("notes. "));
        String longName = FileNames.safeName("é".repeat(300) + ".pdf");
        assertTrue(longName.getBytes(StandardCharsets.UTF_8).length <= FileNames.MAX_NAME_BYTES, longName);
        assertTrue(longName.endsWith(".pdf"), longName);
        assertEquals("daily%20standup", FileTransfers.segment("daily standup"));
        assertEquals("holiday%20photos%2B1.zip", FileTransfers.segment("holiday photos+1.zip"));
        assertEquals("a%2Fb", FileTransfers.segment("a/b"));
        assertEquals("%2E%2E", FileTransfers.segment(".."));
    }

    @Test
    void bytesThatDoNotHashToTheOfferAreRefusedAndNothingIsKept() throws Exception {
        byte[] tampered = CONTENT.clone();
        tampered[0] ^= 1;
        served.set(new Served(null, tampered.length, tampered));
        FileTransferException e = assertThrows(FileTransferException.class,
                () -> files.download(offer("minutes.txt", CONTENT), dir, FileTransfers.Progress.NONE));
        assertEquals(FileTransferException.CHECKSUM_MISMATCH, e.code());
        assertEquals(List.of(), filesInDir());

        served.set(new Served("0".repeat(64), CONTENT.length, CONTENT));
        FileTransferException header = assertThrows(FileTransferException.class,
                () -> files.download(offer("minutes.txt", CONTENT), dir, FileTransfers.Progress.NONE));
        assertEquals(FileTransferException.CHECKSUM_MISMATCH, header.code(), "the relay's header disagrees with the offer");
        assertEquals(List.of(), filesInDir());
    }

    /**
     * A server (started) that answers one download with the headers of a file of {@code length}
     * bytes but only its first bytes ({@code CONTENT}); then it closes the connection, or with
     * {@code hold} keeps it open sending nothing until {@code hold} is released.
     */
    private static Thread sendingTheFirstBytes(ServerSocket listening, FileInfo offered, int length,
                                               CountDownLatch hold) {
        Thread server = new Thread(() -> {
            try (Socket s = listening.accept()) {
                s.getInputStream().read(new byte[4096]); // the request
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n"
                        + FileTransfers.SHA256_HEADER + ": " + offered.sha256() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(CONTENT);
                out.flush();
                if (hold != null) {
                    hold.await(30, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                // the client sees the connection end, or goes away, either way
            }
        });
        server.start();
        return server;
    }

    @Test
    void aDownloadCutShortLeavesNothing() throws Exception {
        // A server that sends the first bytes of a longer file, then closes the connection.
        byte[] whole = new byte[CONTENT.length + 1000];
        System.arraycopy(CONTENT, 0, whole, 0, CONTENT.length);
        FileInfo offered = offer("minutes.txt", whole);
        try (ServerSocket cutting = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = sendingTheFirstBytes(cutting, offered, whole.length, null);
            FileTransfers cut = FileTransfers.of(InetAddress.getLoopbackAddress(), cutting.getLocalPort(), "room", "t0ken");
            FileTransferException e = assertThrows(FileTransferException.class,
                    () -> cut.download(offered, dir, FileTransfers.Progress.NONE));
            assertEquals(FileTransferException.BROKEN_OFF, e.code());
            assertTrue(e.getMessage().contains(CONTENT.length + " of the " + whole.length), e.getMessage());
            assertEquals(List.of(), filesInDir());
            server.join(5_000);
        }
    }

    @Test
    void aDownloadWaitingForBytesIsCancelledByAnInterruptAndLeavesNothing() throws Exception {
        // A server that sends the first bytes of the file, then nothing more while holding the connection.
        byte[] whole = new byte[CONTENT.length + 1000];
        System.arraycopy(CONTENT, 0, whole, 0, CONTENT.length);
        FileInfo offered = offer("minutes.txt", whole);
        CountDownLatch release = new CountDownLatch(1);
        try (ServerSocket stalling = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = sendingTheFirstBytes(stalling, offered, whole.length, release);
            FileTransfers stalled = FileTransfers.of(InetAddress.getLoopbackAddress(), stalling.getLocalPort(), "room", "t0ken");
            CountDownLatch someBytes = new CountDownLatch(1);
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread downloader = new Thread(() -> {
                try {
                    stalled.download(offered, dir, (done, total) -> {
                        if (done > 0) {
                            someBytes.countDown();
                        }
                    });
                } catch (Throwable e) {
                    ended.set(e);
                }
            });
            downloader.start();
            assertTrue(someBytes.await(10, TimeUnit.SECONDS), "the first bytes arrive");
            downloader.interrupt(); // while it waits for bytes that do not come
            downloader.join(5_000);
            assertFalse(downloader.isAlive(), "the download gives way to the interrupt at once");
            assertEquals(FileTransferException.CANCELLED, ((FileTransferException) ended.get()).code(),
                    String.valueOf(ended.get()));
            assertEquals(List.of(), filesInDir(), "nothing is left of it");
            release.countDown();
            server.join(5_000);
        }
    }

    @Test
    void withoutAFileServiceEveryTransferSaysSo() {
        FileTransfers none = new FileTransfers(null, "room", null);
        FileTransferException e = assertThrows(FileTransferException.class, () -> none.list());
        assertEquals(FileTransferException.NO_FILE_SERVICE, e.code());
    }
}
