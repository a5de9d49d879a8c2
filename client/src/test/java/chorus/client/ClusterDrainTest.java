package chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.bot.Bot;
import chorus.client.call.Call;
import chorus.client.session.ChorusClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes issue's drain, with separate relay JVMs: SIGTERM (what Kubernetes sends a pod it
 * stops) to the node that holds the room, with a {@link Call} and a {@link Bot} on each of the
 * three nodes, all sending video and a tone. The drained node's two move to the other nodes as
 * themselves and everyone keeps receiving everyone's video; nobody sees anyone leave; no chat
 * message is lost; the node exits, and nobody is offered it any more.
 */
class ClusterDrainTest {
    /** Well inside k8s/relay.yaml's terminationGracePeriodSeconds (45). */
    private static final Duration EXIT_BOUND = Duration.ofSeconds(40);

    @TempDir
    Path dir;
    private RelayProcesses relays;
    private final List<RoomMember> members = new ArrayList<>();
    private ChorusClient observer;

    @AfterEach
    void stop() throws InterruptedException {
        ClusterRoom.close(members, observer, relays);
    }

    @Test
    void sigtermMovesTheNodesParticipantsWhoKeepTheirMediaAndChat() throws Exception {
        relays = RelayProcesses.start(3, dir, "ClusterDrainTest");
        String room = "drain-" + UUID.randomUUID().toString().substring(0, 8);
        // The bots without --reconnect: a move is followed all the same.
        ClusterRoom.join(relays, room, members, false);
        for (RoomMember m : members) {
            m.sendChat("before from " + m.name());
        }
        ClusterRoom.await("every message before the drain arrived", () -> members.stream()
                .allMatch(m -> m.chatTexts().size() == 6));
        Map<String, String> idByName = ClusterRoom.ids(members);

        // The room's entity lives on the drained node, so the room is handed off as well.
        int victim = relays.entityNode(room);
        List<String> lefts = new CopyOnWriteArrayList<>();
        observer = ClusterRoom.observer(relays.control((victim + 1) % 3), room, members, lefts);
        Map<RoomMember, ChorusClient> before = new HashMap<>();
        members.forEach(m -> before.put(m, m.connection()));
        Process drained = relays.process(victim);
        drained.destroy(); // SIGTERM
        long termAt = System.nanoTime();
        List<RoomMember> moved = List.of(members.get(victim), members.get(victim + 3));
        ClusterRoom.await("the drained node's participants moved", () -> moved.stream()
                .allMatch(m -> m.joinedOtherThan(before.get(m)) && ClusterRoom.seenByAll(m, members, 6)));
        System.out.println("node " + victim + " (holding the room) drained; its participants were back after "
                + Duration.ofNanos(System.nanoTime() - termAt).toMillis() + " ms");
        ClusterRoom.assertSameIdentities(members, idByName);
        ClusterRoom.awaitFreshVideoEverywhere(members);
        ClusterRoom.chatAgainAndCheckHistory(members);

        assertTrue(drained.waitFor(EXIT_BOUND.toSeconds(), TimeUnit.SECONDS), "the drained node exits");
        assertTrue(relays.log(victim).contains("drained: every participant moved"), "the node waited for its participants to go");
        assertEquals(List.of(), lefts, "nobody was seen leaving");
        String gone = relays.control(victim).toString();
        ClusterRoom.await("nobody is offered the drained node any more", () -> members.stream().allMatch(m ->
                m.connection() != null && m.connection().otherNodes().size() == 1
                        && !m.connection().otherNodes().contains(gone)));
    }
}
