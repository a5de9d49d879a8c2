package chorus.relay;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ErrorCode;
import chorus.relay.cluster.DrainReadiness;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A clustered node's shutdown drains it first: it reads as not ready, refuses new joins with
 * {@code shutting-down}, tells its participants to {@code move} to the other node, and goes on
 * shutting down once they have gone. Their room keeps them: the member on the other node never
 * sees them leave, and sees them back under a new media id when they resume there.
 */
class DrainTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private RelayNode staying;
    private RelayNode draining;

    @AfterEach
    void stop() {
        if (draining != null) {
            draining.close();
        }
        if (staying != null) {
            staying.close();
        }
    }

    @Test
    void aDrainingNodeMovesItsParticipantsAndRefusesNewOnes() throws Exception {
        staying = RelayNode.startOnLoopback(ClusterTest.clustered(null));
        draining = RelayNode.startOnLoopback(ClusterTest.clustered(staying.clusterAddress()));
        String room = "drain-" + System.nanoTime();
        DrainReadiness ready = new DrainReadiness(Adapter.toClassic(draining.system()));
        String staysAt = "127.0.0.1:" + staying.controlPort();
        // Bob first: his node may need a few tries before it knows the other node (each one a leave).
        try (RawClient bob = RawClient.joinKnowingNodes(draining, room, "Bob", 1);
             RawClient ada = RawClient.join(staying, room, "Ada")) {
            assertEquals(2, ada.roster.size(), "Ada's welcome lists Bob");
            assertTrue(ready.get().toCompletableFuture().get(5, TimeUnit.SECONDS), "ready before the drain");

            CompletionStage<Done> shutdown = CoordinatedShutdown.get(draining.system())
                    .runAll(CoordinatedShutdown.unknownReason());
            ControlMessage.Move move = bob.await(ControlMessage.Move.class, m -> true, WAIT);
            assertEquals(List.of(staysAt), move.nodes(), "moved to the node that stays");
            assertFalse(ready.get().toCompletableFuture().get(5, TimeUnit.SECONDS), "not ready while draining");
            try (RawClient late = new RawClient(draining.controlAddress())) {
                late.send(new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Late", room, "raw-test"));
                ControlMessage.Error refused = late.await(ControlMessage.Error.class, e -> true, WAIT);
                assertEquals(ErrorCode.SHUTTING_DOWN.wire(), refused.code());
            }
            assertFalse(shutdown.toCompletableFuture().isDone(), "the shutdown waits for Bob to go");

            // Bob goes, and comes back through the node that stays, as himself.
            ControlMessage.Resume resume = new ControlMessage.Resume(bob.welcome.participantId(), bob.welcome.resumeToken());
            bob.close();
            try (RawClient back = new RawClient(staying.controlAddress())) {
                back.send(new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Bob", room, "raw-test", resume));
                ControlMessage.Welcome welcome = back.await(ControlMessage.Welcome.class, w -> true, WAIT);
                assertEquals(bob.welcome.participantId(), welcome.participantId(), "the same participant");
                ControlMessage.ParticipantUpdated updated = null;
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (updated == null) {
                    assertTrue(System.nanoTime() < deadline, "Ada sees Bob back");
                    ControlMessage m = ada.read();
                    assertFalse(m instanceof ControlMessage.ParticipantLeft, "Ada never sees Bob leave: " + m);
                    if (m instanceof ControlMessage.ParticipantUpdated u && u.participant().name().equals("Bob")) {
                        updated = u;
                    }
                }
                assertEquals(welcome.mediaId(), updated.participant().mediaId(), "under his new media id");
                // Once Bob has gone the drain ends and the node leaves the cluster: the node that stays
                // sees it removed. (Not "its actor system terminates within 15 s": with Artery over TLS,
                // Pekko 1.2.1 can stall a remoting stream's shutdown past the actor-system-terminate
                // phase, seen once in CI and once under load; apache/pekko#3317 bounds it in a later
                // release. chorus server exits after its drain timeout + 20 s whatever the stall.)
                String drainingNode = draining.clusterAddress();
                long left = System.nanoTime() + WAIT.toNanos();
                while (StreamSupport.stream(Cluster.get(Adapter.toClassic(staying.system())).state().getMembers()
                        .spliterator(), false).anyMatch(m -> m.address().toString().endsWith("@" + drainingNode))) {
                    assertTrue(System.nanoTime() < left, "the drained node leaves the cluster");
                    Thread.sleep(50);
                }
            }
        }
    }
}
