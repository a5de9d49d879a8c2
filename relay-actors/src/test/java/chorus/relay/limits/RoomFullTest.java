package chorus.relay.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage;
import chorus.relay.ClusterTest;
import chorus.relay.RawClient;
import chorus.relay.RelayNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

/**
 * A room holds at most {@code limits.room-size} participants: one more is refused with
 * {@code room-full} and closed, on a relay alone and across the nodes of a cluster (the sharded
 * room counts them all), and nobody in the room sees the refused one join.
 */
class RoomFullTest {
    private static final Config TWO = ConfigFactory.parseString("chorus.relay.limits.room-size = 2");

    private static void assertRefusedAsFull(RawClient c, String room) throws Exception {
        c.send(new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Third", room, "raw-test"));
        ControlMessage.Error error = assertInstanceOf(ControlMessage.Error.class, c.read());
        assertEquals("room-full", error.code(), error.message());
        assertTrue(c.closedByRelay(), "refused and closed");
    }

    @Test
    void aThirdParticipantIsRefusedFromARoomOfTwo() throws Exception {
        String roomName = "full-" + System.nanoTime();
        try (RelayNode relay = RelayNode.startOnLoopback(TWO);
             RawClient ada = RawClient.join(relay, roomName, "Ada");
             RawClient bea = RawClient.join(relay, roomName, "Bea")) {
            try (RawClient third = new RawClient(relay.controlAddress())) {
                assertRefusedAsFull(third, roomName);
            }
            // Bea goes; the next one is let in and the room's roster never had the refused one.
            bea.send(new ControlMessage.Leave());
            ada.await(ControlMessage.ParticipantLeft.class, l -> l.participant().name().equals("Bea"),
                    Duration.ofSeconds(5));
            try (RawClient dee = RawClient.join(relay, roomName, "Dee")) {
                assertEquals(List.of("Ada", "Dee"),
                        dee.roster.stream().map(ControlMessage.ParticipantInfo::name).sorted().toList());
            }
            assertTrue(LimitMetrics.hits(relay, "room-size") >= 1, "counted");
        }
    }

    @Test
    void theLimitHoldsAcrossTheNodesOfACluster() throws Exception {
        String roomName = "full-cluster-" + System.nanoTime();
        try (RelayNode first = RelayNode.startOnLoopback(TWO.withFallback(ClusterTest.clustered(null)));
             RelayNode second = RelayNode.startOnLoopback(TWO.withFallback(ClusterTest.clustered(first.clusterAddress())))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (Cluster.get(second.system()).selfMember().status() != MemberStatus.up()) {
                assertTrue(System.nanoTime() < deadline, "the second node is up within 20 s");
                Thread.sleep(50);
            }
            try (RawClient ada = RawClient.join(first, roomName, "Ada");
                 RawClient bea = RawClient.join(second, roomName, "Bea");
                 RawClient third = new RawClient(second.controlAddress());
                 RawClient fourth = new RawClient(first.controlAddress())) {
                assertEquals(2, bea.roster.size(), "one room across the nodes");
                assertRefusedAsFull(third, roomName);
                assertRefusedAsFull(fourth, roomName);
            }
            assertTrue(LimitMetrics.hits(first, "room-size") + LimitMetrics.hits(second, "room-size") >= 2);
        }
    }
}
