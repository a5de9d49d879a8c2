package chorus.relay.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.relay.RawClient;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file service's limits, each tried as an attacker would: an upload that stops sending, a
 * room filled past its quota, a disk under the low-water mark, one participant's many transfers at
 * once, many connections from one address. Each is refused with its code, keeps nothing, and is
 * counted in {@code chorus_limit_hits_total}.
 */
class FileLimitsTest {
    private static final String ANY_SHA256 = "0".repeat(64);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path storage;

    private RelayNode relay(String limits) throws IOException {
        return RelayNode.startOnLoopback(ConfigFactory.parseString("chorus.relay.files.directory = \""
                + storage.toString().replace("\\", "/") + "\"\nchorus.relay.keepalive.timeout = 60s\n"
                + "chorus.relay.limits { " + limits + " }"));
    }

    /** An upload's request line and headers, on a socket of its own, with none of its body yet. */
    private static Socket startUpload(RawClient c, String room, InetSocketAddress from, long length) throws IOException {
        URI uri = c.filesUri(room, "?name=stalled.bin");
        Socket s = new Socket();
        if (from != null) {
            s.bind(from);
        }
        s.connect(new InetSocketAddress("127.0.0.1", uri.getPort()), 5000);
        s.setSoTimeout(10_000);
        String head = "PUT " + uri.getRawPath() + "?" + uri.getRawQuery() + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + uri.getPort() + "\r\n"
                + "Authorization: Bearer " + c.welcome.files().token() + "\r\n"
                + "X-Chorus-Sha256: " + ANY_SHA256 + "\r\n"
                + "Content-Length: " + length + "\r\n\r\n";
        s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /** What the relay answered on a raw socket, up to the end of its headers and a little of the body. */
    private static String answer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        int n = in.read(buf);
        return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static HttpResponse<String> upload(RawClient c, String room, byte[] body) throws Exception {
        return c.upload(room, "f.bin", body, RawClient.sha256(body));
    }

    @Test
    void anUploadThatStopsSendingIsAbortedAndNothingIsKept() throws Exception {
        String room = "idle-upload-" + System.nanoTime();
        try (RelayNode relay = relay("upload-idle-timeout = 1s");
             RawClient ada = RawClient.join(relay, room, "Ada");
             Socket upload = startUpload(ada, room, null, 1000)) {
            upload.getOutputStream().write(1); // one byte, then nothing
            upload.getOutputStream().flush();
            String answer = answer(upload);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("\"idle-timeout\""), answer);
            assertEquals(List.of(), filesUnder(storage), "nothing kept, not even the part file");
            assertTrue(LimitMetrics.hits(relay, "upload-idle") >= 1, "counted");
        }
    }

    @Test
    void aRoomsFilesStayWithinItsQuota() throws Exception {
        String room = "quota-" + System.nanoTime();
        try (RelayNode relay = relay("room-quota = 1000");
             RawClient ada = RawClient.join(relay, room, "Ada")) {
            assertEquals(201, upload(ada, room, bytes(600)).statusCode());
            HttpResponse<String> over = upload(ada, room, bytes(600));
            assertEquals(413, over.statusCode(), over.body());
            assertTrue(over.body().contains("\"quota-exceeded\""), over.body());
            assertEquals(201, upload(ada, room, bytes(300)).statusCode(), "what still fits is taken");
            // No length declared (chunked): cut off once the bytes pass the quota.
            byte[] more = bytes(500);
            HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(ada.filesUri(room, "?name=more.bin"))
                    .header("Authorization", "Bearer " + ada.welcome.files().token())
                    .header("X-Chorus-Sha256", RawClient.sha256(more))
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(more))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, chunked.statusCode(), chunked.body());
            assertTrue(chunked.body().contains("\"quota-exceeded\""), chunked.body());
            assertEquals(2, filesUnder(storage).size(), "the refused uploads left nothing");
            assertTrue(LimitMetrics.hits(relay, "room-quota") >= 1, "counted");
        }
    }

    @Test
    void underTheLowWaterMarkNothingIsWritten() throws Exception {
        String room = "disk-" + System.nanoTime();
        // A mark far above the free space of any disk here: every upload is under it.
        try (RelayNode relay = relay("disk-low-water = 1024TiB");
             RawClient ada = RawClient.join(relay, room, "Ada")) {
            HttpResponse<String> refused = upload(ada, room, bytes(10));
            assertEquals(507, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("\"disk-full\""), refused.body());
            assertEquals(List.of(), filesUnder(storage), "refused before a byte was written");
            assertTrue(LimitMetrics.hits(relay, "disk-low-water") >= 1, "counted");
        }
    }

    @Test
    void oneParticipantRunsAtMostItsTransfersAtOnce() throws Exception {
        String room = "transfers-" + System.nanoTime();
        try (RelayNode relay = relay("transfers-per-participant = 2, upload-idle-timeout = 30s");
             RawClient ada = RawClient.join(relay, room, "Ada")) {
            HttpResponse<String> kept = upload(ada, room, bytes(5));
            assertEquals(201, kept.statusCode());
            String fileId = kept.body().replaceAll(".*\"fileId\":\"([^\"]+)\".*", "$1");
            try (Socket first = startUpload(ada, room, null, 1000);
                 Socket second = startUpload(ada, room, null, 1000)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (LimitMetrics.value(relay, "chorus_file_transfers") < 2) {
                    assertTrue(System.nanoTime() < deadline, "both stalled uploads running within 10 s");
                    Thread.sleep(20);
                }
                HttpResponse<String> third = upload(ada, room, bytes(5));
                assertEquals(429, third.statusCode(), "a third transfer while two run: " + third.body());
                assertTrue(third.body().contains("\"too-many-transfers\""), third.body());
                HttpResponse<byte[]> download = ada.getFiles(room, "/" + fileId, ada.welcome.files().token());
                assertEquals(429, download.statusCode(), "a download is a transfer too");
            }
            assertEquals(201, awaitStatus(ada, room, 201), "once they ended, one more may run");
            assertEquals(200, ada.getFiles(room, "/" + fileId, ada.welcome.files().token()).statusCode());
            assertTrue(LimitMetrics.hits(relay, "transfers-per-participant") >= 1, "counted");
        }
    }

    /** Uploads a small file until the answer is {@code wanted} (the stalled uploads may still be ending). */
    private static int awaitStatus(RawClient c, String room, int wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            HttpResponse<String> r = upload(c, room, bytes(5));
            if (r.statusCode() == wanted) {
                return r.statusCode();
            }
            if (System.nanoTime() > deadline) {
                return r.statusCode();
            }
            Thread.sleep(50);
        }
    }

    @Test
    void elevenHundredDrippingConnectionsDoNotLockTheFileService() throws Exception {
        String room = "http-connections-" + System.nanoTime();
        // The defaults: 32 per address. Before, 1 100 connections sending a request a byte at a time
        // took all of Pekko HTTP's 1 024 and the file service answered nobody.
        try (RelayNode relay = relay("");
             RawClient ada = RawClient.join(relay, room, "Ada")) {
            InetSocketAddress dripper = new InetSocketAddress("127.0.0.50", 0);
            List<Socket> open = new ArrayList<>();
            int closedAtOnce = 0;
            try {
                for (int i = 0; i < 1100; i++) {
                    Socket s = connect(relay, dripper);
                    s.getOutputStream().write("GET /rooms/".getBytes(StandardCharsets.US_ASCII)); // and no more
                    open.add(s);
                }
                for (Socket s : open.subList(32, open.size())) {
                    s.setSoTimeout(10_000);
                    if (s.getInputStream().read() == -1) {
                        closedAtOnce++;
                    }
                }
                assertEquals(1100 - 32, closedAtOnce, "all past the 32nd closed");
                // Others still get in.
                assertEquals(200, ada.getFiles(room, "", ada.welcome.files().token()).statusCode());
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
            assertEquals(1100 - 32, LimitMetrics.hits(relay, "files-connections-per-address"), "each counted");
        }
    }

    private static Socket connect(RelayNode relay, InetSocketAddress from) throws IOException {
        Socket s = new Socket();
        s.bind(from);
        s.connect(new InetSocketAddress("127.0.0.1", relay.filesPort()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }
}
