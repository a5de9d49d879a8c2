package chorus.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.media.Codec;
import java.time.Duration;
import java.util.List;
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

    private static ParticipantInfo member(String id, List<Integer> layers) {
        return new ParticipantInfo(id, "n-" + id, id.hashCode() & 0xFFFF, layers);
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
        try (ScriptedRelay relay = ScriptedRelay.start("me", 7, 9, 3, List.of(
                new ControlMessage.RosterPage(0, 2, List.of(member("a", null), member("me", List.of(180, 360)))),
                new ControlMessage.RosterPage(1, 2, List.of(member("b", List.of(180, 360)))),
                new ControlMessage.ParticipantJoined(member("b", List.of(180, 360))), // told twice
                new ControlMessage.ParticipantJoined(member("c", null)),
                new ControlMessage.ParticipantLeft(member("a", null), "left"),
                new ControlMessage.LayersWanted(List.of(0), false),
                new ControlMessage.DominantSpeaker("b", List.of("b", "c")),
                new ControlMessage.Error("bad-subscription", "no such participant")));
             ControlConnections control = ControlConnections.start()) {
            LoadSpec.VideoLayer low = new LoadSpec.VideoLayer(180, 15, MediaClip.syntheticVideo(100));
            LoadSpec.VideoLayer high = new LoadSpec.VideoLayer(360, 30, MediaClip.syntheticVideo(200));
            LoadParticipant p = LoadParticipant.join(LoadSockets.nio(), control, relay.address(), 0, 0, 0, 0, "room", "p0", null,
                    List.of(low, high), List.of(180, 360), 4, null, WAIT);
            try {
                assertEquals(List.of(180, 360), relay.hello.get(5, TimeUnit.SECONDS).layers(), "a sender announces its layers");
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
                        relay.firstSent.get(5, TimeUnit.SECONDS));
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
        try (ScriptedRelay relay = ScriptedRelay.start("v", 8, 9, 1, List.of());
             ControlConnections control = ControlConnections.start()) {
            LoadParticipant viewer = LoadParticipant.join(LoadSockets.nio(), control, relay.address(), 0, 0, 0, 1, "room", "p1", null,
                    List.of(), List.of(180, 360), 4, null, WAIT);
            try {
                ControlMessage.Hello hello = relay.hello.get(5, TimeUnit.SECONDS);
                assertNull(hello.layers(), "nothing to announce: it sends no camera");
                assertEquals(List.of(Codec.H264_NAME, Codec.JPEG_NAME), hello.codecs().video());
                assertNull(ControlConnections.layersWanted(viewer.control), "no layers-wanted yet: a sender sends all");
                assertEquals(-1, ControlConnections.members(viewer.control), "no roster page yet");
            } finally {
                viewer.leave();
            }
        }
    }
}
