package chorus.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import chorus.protocol.control.ControlMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sending thread with the relay's layers-wanted (dynacast): a sender pauses the layers nobody wants. */
class LoadSenderTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    @Timeout(30)
    void aSenderPausesTheLayersTheRelayLeavesOutAndSendsTheOthers() throws Exception {
        try (DatagramChannel media = DatagramChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             ScriptedRelay relay = ScriptedRelay.start("me", 7, ((InetSocketAddress) media.getLocalAddress()).getPort(),
                     1, List.of(new ControlMessage.LayersWanted(List.of(1), false)));
             ControlConnections control = ControlConnections.start()) {
            List<LoadSpec.VideoLayer> layers = List.of(new LoadSpec.VideoLayer(180, 30, MediaClip.syntheticVideo(300)),
                    new LoadSpec.VideoLayer(360, 30, MediaClip.syntheticVideo(3000)));
            LoadParticipant p = LoadParticipant.join(LoadSockets.nio(), control, relay.address(), 0, 0, 0, 0, "room", "p0", null, layers,
                    List.of(180, 360), 2, null, WAIT);
            try {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (ControlConnections.layersWanted(p.control) == null) {
                    if (System.nanoTime() - deadline > 0) {
                        fail("layers-wanted never arrived");
                    }
                    LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
                }
                long start = System.nanoTime();
                // 10 frame slots at 30 fps, all measured
                LoadSender sender = new LoadSender(List.of(p), List.of(p), 30, null, start, start,
                        start + Duration.ofMillis(10 * 1000 / 30).toNanos() + 1);
                sender.run();
                VideoLayerStream low = p.layers[0];
                VideoLayerStream high = p.layers[1];
                assertEquals(0, low.datagramsSentMeasured, "nobody wants layer 0: nothing of it leaves");
                assertEquals(10, low.framesPausedMeasured, "each of its frames counted as paused");
                assertEquals(10, high.framesSentMeasured, "layer 1 is wanted: every frame sent");
                assertEquals(10 * 3, high.datagramsSentMeasured, "3000 bytes: three datagrams a frame");
                assertEquals(high.datagramsSentMeasured, p.videoSentMeasured);
                assertEquals(List.of(180, 360), relay.hello.get().layers());
            } finally {
                p.leave();
            }
        }
    }
}
