package chorus.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import chorus.client.session.RelayAddress;
import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.media.Codec;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load participants' control side against a scripted relay on loopback: the hello a sender
 * and a viewer send, the roster read from its pages and kept by id, and what the relay tells them
 * (layers-wanted, dominant-speaker, errors) kept for the run; a subscribe goes out as a frame.
 */
class ControlConnectionsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    private static ParticipantInfo member(String id, List<Integer> layers) {
        return new ParticipantInfo(id, "n-" + id, id.hashCode() & 0xFFFF, layers);
    }

    private static void write(OutputStream out, ControlMessage m) throws Exception {
        out.write(ControlCodec.encodeFrame(m));
        out.flush();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    @Test
    @Timeout(30)
    void aSenderAnnouncesItsLayersReadsTheRosterPagesByIdAndKeepsWhatTheRelayTellsIt() throws Exception {
        try (ServerSocket relay = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
             ControlConnections control = ControlConnections.start()) {
            CompletableFuture<ControlMessage.Hello> hello = new CompletableFuture<>();
            CompletableFuture<ControlMessage> afterwards = new CompletableFuture<>();
            Thread script = new Thread(() -> {
                try (Socket s = relay.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    hello.complete((ControlMessage.Hello) ControlCodec.readFrame(in));
                    write(out, new ControlMessage.Welcome(ControlMessage.PROTOCOL_VERSION, "me", 7, KEY,
                            new ControlMessage.MediaEndpoints("127.0.0.1", 9, 9), "room", 3, 5000, 15000, null, null,
                            List.of()));
                    write(out, new ControlMessage.RosterPage(0, 2, List.of(member("a", null), member("me", List.of(180, 360)))));
                    write(out, new ControlMessage.RosterPage(1, 2, List.of(member("b", List.of(180, 360)))));
                    write(out, new ControlMessage.ParticipantJoined(member("b", List.of(180, 360)))); // told twice
                    write(out, new ControlMessage.ParticipantJoined(member("c", null)));
                    write(out, new ControlMessage.ParticipantLeft(member("a", null), "left"));
                    write(out, new ControlMessage.LayersWanted(List.of(0), false));
                    write(out, new ControlMessage.DominantSpeaker("b", List.of("b", "c")));
                    write(out, new ControlMessage.Error("bad-subscription", "no such participant"));
                    afterwards.complete(ControlCodec.readFrame(in));
                    in.read(); // until it leaves
                } catch (Exception e) {
                    hello.completeExceptionally(e);
                    afterwards.completeExceptionally(e);
                }
            }, "scripted-relay");
            script.setDaemon(true);
            script.start();

            LoadSpec.VideoLayer low = new LoadSpec.VideoLayer(180, 15, MediaClip.syntheticVideo(100));
            LoadSpec.VideoLayer high = new LoadSpec.VideoLayer(360, 30, MediaClip.syntheticVideo(200));
            LoadParticipant p = LoadParticipant.join(control, new RelayAddress("127.0.0.1", relay.getLocalPort()), 0, 0,
                    0, 0, "room", "p0", null, List.of(low, high), List.of(180, 360), 4, null, WAIT);
            try {
                assertEquals(List.of(180, 360), hello.get(5, TimeUnit.SECONDS).layers(), "a sender announces its layers");
                assertEquals("me", p.participantId);
                assertEquals(2, p.layers.length);
                await("the roster and what followed", () -> ControlConnections.members(p.control) == 3
                        && ControlConnections.errors(p.control).size() == 1);
                assertEquals(2, ControlConnections.membersWithLayers(p.control), "me and b announced layers");
                assertEquals(List.of(0), ControlConnections.layersWanted(p.control));
                List<ControlConnections.Heard<ControlMessage.DominantSpeaker>> speakers = ControlConnections.speakers(p.control);
                assertEquals(1, speakers.size());
                assertEquals(List.of("b", "c"), speakers.get(0).message().recent());
                assertEquals(List.of("bad-subscription"), ControlConnections.errors(p.control));

                ControlConnections.send(p.control, new SubscriptionPlan(1, 0, 1, 1).message(List.of("b")));
                ControlMessage.Subscribe sent = assertInstanceOf(ControlMessage.Subscribe.class,
                        afterwards.get(5, TimeUnit.SECONDS));
                assertEquals(List.of(ControlMessage.Source.camera("b", 0)), sent.sources());
                assertEquals(0, control.lost());
            } finally {
                p.leave();
            }
        }
    }

    @Test
    @Timeout(30)
    void aViewerAnnouncesNoLayersAndSendsAllLayersUntilTold() throws Exception {
        try (ServerSocket relay = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
             ControlConnections control = ControlConnections.start()) {
            CompletableFuture<ControlMessage.Hello> hello = new CompletableFuture<>();
            Thread script = new Thread(() -> {
                try (Socket s = relay.accept()) {
                    hello.complete((ControlMessage.Hello) ControlCodec.readFrame(new DataInputStream(s.getInputStream())));
                    write(s.getOutputStream(), new ControlMessage.Welcome(ControlMessage.PROTOCOL_VERSION, "v", 8, KEY,
                            new ControlMessage.MediaEndpoints("127.0.0.1", 9, 9), "room", 1, 5000, 15000, null, null,
                            List.of()));
                    s.getInputStream().read(); // until the viewer leaves
                } catch (Exception e) {
                    hello.completeExceptionally(e);
                }
            }, "scripted-relay");
            script.setDaemon(true);
            script.start();
            LoadParticipant viewer = LoadParticipant.join(control, new RelayAddress("127.0.0.1", relay.getLocalPort()),
                    0, 0, 0, 1, "room", "p1", null, List.of(), List.of(180, 360), 4, null, WAIT);
            try {
                assertNull(hello.get(5, TimeUnit.SECONDS).layers(), "nothing to announce: it sends no camera");
                assertEquals(List.of(Codec.H264_NAME, Codec.JPEG_NAME), hello.get().codecs().video());
                assertNull(ControlConnections.layersWanted(viewer.control), "no layers-wanted yet: a sender sends all");
                assertEquals(-1, ControlConnections.members(viewer.control), "no roster page yet");
            } finally {
                viewer.leave();
            }
        }
    }
}
