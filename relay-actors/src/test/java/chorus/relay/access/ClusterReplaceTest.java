package chorus.relay.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ErrorCode;
import chorus.relay.ClusterTest;
import chorus.relay.RawClient;
import chorus.relay.RelayNode;
import java.time.Duration;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One identity is one participant across a cluster: the room's sharded entity is the one authority,
 * so a second join through another node replaces the first just as on one relay.
 */
class ClusterReplaceTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static Tokens tokens;
    private static RelayNode a;
    private static RelayNode b;

    @BeforeAll
    static void start() throws Exception {
        tokens = new Tokens();
        a = RelayNode.startOnLoopback(tokens.relayConfig().withFallback(ClusterTest.clustered(null)));
        b = RelayNode.startOnLoopback(tokens.relayConfig().withFallback(ClusterTest.clustered(a.clusterAddress())));
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (RelayNode n : new RelayNode[] {a, b}) {
            while (up(n) < 2) {
                assertTrue(System.nanoTime() < deadline, "two nodes up within " + WAIT);
                Thread.sleep(50);
            }
        }
    }

    private static int up(RelayNode n) {
        int up = 0;
        for (var m : Cluster.get(n.system()).state().getMembers()) {
            if (m.status() == MemberStatus.up()) {
                up++;
            }
        }
        return up;
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    @Test
    void aSecondJoinThroughAnotherNodeReplacesTheFirst() throws Exception {
        String room = "cluster-replace-" + System.nanoTime();
        try (RawClient carol = TokenJoinTest.join(a, room, tokens.token(room, "carol", "Carol"));
             RawClient dave = TokenJoinTest.join(b, room, tokens.token(room, "dave", "Dave"))) {
            carol.await(ControlMessage.ParticipantJoined.class, j -> j.participant().name().equals("Dave"), WAIT);
            try (RawClient first = TokenJoinTest.join(a, room, tokens.token(room, "ada", "Ada"))) {
                String firstId = first.welcome.participantId();
                carol.await(ControlMessage.ParticipantJoined.class, j -> j.participant().participantId().equals(firstId), WAIT);
                dave.await(ControlMessage.ParticipantJoined.class, j -> j.participant().participantId().equals(firstId), WAIT);
                try (RawClient second = TokenJoinTest.join(b, room, tokens.token(room, "ada", "Ada"))) {
                    ControlMessage.Error told = assertInstanceOf(ControlMessage.Error.class, first.read(),
                            "the first connection (node A) is told");
                    assertEquals(ErrorCode.REPLACED.wire(), told.code());
                    assertTrue(first.closedByRelay(), "and closed");
                    assertEquals(3, second.roster.size(), "Carol, Dave and the new Ada: " + second.roster);
                    for (RawClient other : new RawClient[] {carol, dave}) {
                        ControlMessage.ParticipantLeft left = assertInstanceOf(ControlMessage.ParticipantLeft.class,
                                other.read());
                        assertEquals(firstId, left.participant().participantId());
                        assertEquals("replaced", left.reason());
                        ControlMessage.ParticipantJoined joined = assertInstanceOf(ControlMessage.ParticipantJoined.class,
                                other.read());
                        assertEquals(second.welcome.participantId(), joined.participant().participantId());
                    }
                    // A newcomer finds one Ada, not a ghost of the first.
                    try (RawClient late = TokenJoinTest.join(a, room, tokens.token(room, "erin", "Erin"))) {
                        assertEquals(4, late.roster.size(), "Carol, Dave, Ada, Erin: " + late.roster);
                    }
                }
            }
        }
    }
}
