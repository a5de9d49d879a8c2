package chorus.client.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.LoopbackRelay;
import chorus.client.files.FileTransfers;
import chorus.client.session.ChorusClient;
import chorus.client.session.ClientOptions;
import chorus.client.session.RelayAddress;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A passive observer on the network, as a recording TCP proxy between a real client and the relay:
 * with TLS on, the capture holds neither the media key the welcome gave, nor a chat line, nor the
 * file token, nor a file's bytes. The same capture of a relay started with --plaintext (what every
 * relay was before TLS) holds all of them, which shows the capture would see them.
 */
class ControlCaptureTest {
    @TempDir
    Path dir;

    private RelayNode relay(boolean tls) throws Exception {
        return RelayNode.startOnLoopback(ConfigFactory.parseMap(Map.of(
                "chorus.relay.tls.enabled", tls,
                "chorus.relay.tls.directory", dir.resolve("tls").toString(),
                "chorus.relay.files.directory", dir.resolve("files").toString())));
    }

    /** What one call leaves in a capture of its control connection. */
    private record Secrets(String mediaKey, String token, String sent, String received) {
    }

    private Secrets captureAChat(RelayNode relay, RecordingProxy proxy, RelayTrust trust) throws Exception {
        String room = LoopbackRelay.room("capture");
        String sent = "alice's secret line " + System.nanoTime();
        String received = "bob's secret line " + System.nanoTime();
        try (ChorusClient alice = ChorusClient.connect(ClientOptions.of(new RelayAddress("127.0.0.1", proxy.port()),
                "alice", room).withTrust(trust), null);
             ChorusClient bob = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "bob", room)
                     .withTrust(trust), null)) {
            alice.sendChat(sent);
            bob.sendChat(received);
            LoopbackRelay.await("bob reads alice's line", () -> bob.chat().stream().anyMatch(m -> m.text().equals(sent)));
            LoopbackRelay.await("alice reads bob's line", () -> alice.chat().stream().anyMatch(m -> m.text().equals(received)));
            return new Secrets(alice.welcome().mediaKey(), alice.welcome().files().token(), sent, received);
        }
    }

    @Test
    void withTlsTheControlConnectionShowsNeitherTheMediaKeyNorTheChat() throws Exception {
        try (RelayNode relay = relay(true); RecordingProxy proxy = new RecordingProxy(relay.controlAddress())) {
            Secrets s = captureAChat(relay, proxy, RelayTrust.defaults().withFingerprint(relay.tls().fingerprint()));
            assertTrue(proxy.recorded().length > 1000, "the capture holds the whole connection: "
                    + proxy.recorded().length + " bytes");
            assertFalse(proxy.saw(s.mediaKey()), "the media key, base64 as the client got it");
            assertFalse(proxy.saw(s.token()), "the file token");
            assertFalse(proxy.saw(s.sent()), "a chat line sent");
            assertFalse(proxy.saw(s.received()), "a chat line received");
            assertFalse(proxy.saw("welcome"), "no JSON at all");
        }
    }

    @Test
    void thePlainTextCaptureShowsThemAll() throws Exception {
        try (RelayNode relay = relay(false); RecordingProxy proxy = new RecordingProxy(relay.controlAddress())) {
            Secrets s = captureAChat(relay, proxy, RelayTrust.plaintextOnly());
            assertTrue(proxy.saw(s.mediaKey()), "the media key");
            assertTrue(proxy.saw(s.token()), "the file token");
            assertTrue(proxy.saw(s.sent()), "the chat line sent");
            assertTrue(proxy.saw(s.received()), "the chat line received");
        }
    }

    /** Uploads and downloads through a recording proxy in front of the file service; returns the file's bytes. */
    private byte[] transferThroughProxy(RelayNode relay, RecordingProxy files, RelayTrust trust, String[] token)
            throws Exception {
        String room = LoopbackRelay.room("capture-files");
        byte[] content = ("the quarterly figures nobody may read " + System.nanoTime() + "\n").repeat(2000)
                .getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(dir.resolve("figures.txt"), content);
        try (ChorusClient alice = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "alice", room)
                .withTrust(trust), null)) {
            token[0] = alice.welcome().files().token();
            // Alice's own file transfers, sent to the proxy's port instead of the file service's.
            FileTransfers viaProxy = FileTransfers.of(InetAddress.getLoopbackAddress(), files.port(), room, token[0],
                    relay.tls() == null ? null : relay.tls().fingerprint());
            FileInfo offered = viaProxy.upload(file, FileTransfers.Progress.NONE);
            Path down = Files.createDirectories(dir.resolve("down"));
            Path got = viaProxy.download(offered, down, FileTransfers.Progress.NONE);
            assertArrayEquals(content, Files.readAllBytes(got), "the file arrives whole");
        }
        return content;
    }

    private static byte[] slice(byte[] content) {
        return Arrays.copyOfRange(content, 100, 164);
    }

    @Test
    void withTlsAnUploadAndADownloadShowNeitherTheFileNorTheToken() throws Exception {
        try (RelayNode relay = relay(true); RecordingProxy proxy = new RecordingProxy(
                new InetSocketAddress("127.0.0.1", relay.filesPort()))) {
            String[] token = new String[1];
            byte[] content = transferThroughProxy(relay, proxy,
                    RelayTrust.defaults().withFingerprint(relay.tls().fingerprint()), token);
            assertTrue(proxy.recorded().length > 2 * content.length, "both transfers went through the proxy");
            assertFalse(proxy.saw(slice(content)), "the file's bytes");
            assertFalse(proxy.saw(token[0]), "the file token");
            assertFalse(proxy.saw("figures.txt"), "the file's name");
        }
    }

    @Test
    void thePlainTextFileServiceShowsBoth() throws Exception {
        try (RelayNode relay = relay(false); RecordingProxy proxy = new RecordingProxy(
                new InetSocketAddress("127.0.0.1", relay.filesPort()))) {
            String[] token = new String[1];
            byte[] content = transferThroughProxy(relay, proxy, RelayTrust.plaintextOnly(), token);
            assertTrue(proxy.saw(slice(content)), "the file's bytes");
            assertTrue(proxy.saw(token[0]), "the file token");
        }
    }
}
