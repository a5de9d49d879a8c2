package chorus.client.load;

import chorus.client.session.RelayAddress;
import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A stand-in for the relay's control port on loopback, for tests of the load participants' side:
 * it takes one connection, keeps the hello it got, answers with a welcome (media to
 * {@code mediaPort}, an all-zero key) and then {@code then}, keeps the first message the client
 * sends after that, and holds the connection until the client leaves.
 */
final class ScriptedRelay implements AutoCloseable {
    static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    private final ServerSocket server;
    final CompletableFuture<ControlMessage.Hello> hello = new CompletableFuture<>();
    final CompletableFuture<ControlMessage> firstSent = new CompletableFuture<>();

    private ScriptedRelay(ServerSocket server) {
        this.server = server;
    }

    static ScriptedRelay start(String participantId, int mediaId, int mediaPort, int rosterSize,
                               List<ControlMessage> then) throws IOException {
        ScriptedRelay relay = new ScriptedRelay(new ServerSocket(0, 4, InetAddress.getLoopbackAddress()));
        Thread script = new Thread(() -> relay.serve(participantId, mediaId, mediaPort, rosterSize, then),
                "scripted-relay");
        script.setDaemon(true);
        script.start();
        return relay;
    }

    RelayAddress address() {
        return new RelayAddress("127.0.0.1", server.getLocalPort());
    }

    private void serve(String participantId, int mediaId, int mediaPort, int rosterSize, List<ControlMessage> then) {
        try (Socket s = server.accept()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            hello.complete((ControlMessage.Hello) ControlCodec.readFrame(in));
            out.write(ControlCodec.encodeFrame(new ControlMessage.Welcome(ControlMessage.PROTOCOL_VERSION,
                    participantId, mediaId, KEY, new ControlMessage.MediaEndpoints("127.0.0.1", mediaPort, mediaPort),
                    "room", rosterSize, 5000, 15000, null, null, List.of())));
            for (ControlMessage m : then) {
                out.write(ControlCodec.encodeFrame(m));
            }
            out.flush();
            firstSent.complete(ControlCodec.readFrame(in));
            while (in.read() >= 0) {
                // until the client leaves
            }
        } catch (Exception e) {
            hello.completeExceptionally(e);
            firstSent.completeExceptionally(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
