package chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chorus.client.call.Call;
import chorus.client.session.ChorusClient;
import chorus.client.session.ClientListener;
import chorus.client.session.ClientOptions;
import chorus.client.session.RelayAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** The steps the cluster failure tests share: six members in one room over three relays, and the checks after. */
final class ClusterRoom {
    static final Duration WAIT = Duration.ofSeconds(20);

    private ClusterRoom() {
    }

    /**
     * Joins P0..P5 into {@code room}, Pi on node i % 3: a Call for i < 3, a Bot after, each with its
     * own tone; waits until everyone sees everyone, knows the two other nodes and receives
     * everyone's video. Returns the calls by node.
     *
     * @param botsReconnect the bots' {@code --reconnect}
     */
    static Map<Integer, Call> join(RelayProcesses relays, String room, List<RoomMember> members, boolean botsReconnect)
            throws Exception {
        Map<Integer, Call> calls = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            String name = "P" + i;
            RoomMember m = i < 3 ? RoomMember.call(relays.control(i), name, room, 330 + 110 * i)
                    : RoomMember.bot(relays.control(i % 3), name, room, 330 + 110 * i, botsReconnect);
            members.add(m);
            if (m instanceof RoomMember.CallMember c) {
                calls.put(i, c.call());
            }
            await(name + " joined", m::joined);
        }
        await("everyone sees five others", () -> members.stream().allMatch(m -> m.others().size() == 5));
        await("everyone knows the two other nodes", () -> members.stream()
                .allMatch(m -> m.connection() != null && m.connection().otherNodes().size() == 2));
        await("everyone receives everyone's video", () -> members.stream().allMatch(m ->
                m.videoFramesFrom().values().stream().filter(n -> n > 0).count() >= 5));
        return calls;
    }

    /**
     * A silent seventh participant on {@code relay} that writes down every {@code left} it is told
     * of into {@code lefts}; returns once everyone sees it.
     */
    static ChorusClient observer(RelayAddress relay, String room, List<RoomMember> members, List<String> lefts)
            throws Exception {
        ChorusClient observer = ChorusClient.connect(ClientOptions.of(relay, "Observer", room), new ClientListener() {
            @Override
            public void onParticipantLeft(chorus.protocol.control.ControlMessage.ParticipantInfo participant,
                                          String reason) {
                lefts.add(participant.name() + " (" + reason + ")");
            }
        });
        await("everyone sees the observer", () -> members.stream().allMatch(m -> m.others().size() == 6));
        return observer;
    }

    /** After a test: the members and the observer leave, then the relays stop (their logs kept). */
    static void close(List<RoomMember> members, ChorusClient observer, RelayProcesses relays) throws InterruptedException {
        members.forEach(RoomMember::close);
        if (observer != null) {
            observer.close();
        }
        if (relays != null) {
            relays.close();
        }
    }

    static Map<String, String> ids(List<RoomMember> members) {
        Map<String, String> ids = new HashMap<>();
        members.forEach(m -> ids.put(m.name(), m.connection().welcome().participantId()));
        return ids;
    }

    /** Every other member sees {@code m} under its current media id, and {@code m} sees {@code others} people. */
    static boolean seenByAll(RoomMember m, List<RoomMember> all, int others) {
        ChorusClient c = m.connection();
        if (c == null) {
            return false;
        }
        String id = c.welcome().participantId();
        int mediaId = c.welcome().mediaId();
        for (RoomMember other : all) {
            if (other != m && !Integer.valueOf(mediaId).equals(other.others().get(id))) {
                return false;
            }
        }
        return m.others().size() == others;
    }

    /** Everyone has the same id as before and sees the same five people, not newcomers. */
    static void assertSameIdentities(List<RoomMember> members, Map<String, String> idByName) {
        for (RoomMember m : members) {
            assertEquals(idByName.get(m.name()), m.connection().welcome().participantId(), m.name() + " is the same participant");
            Set<String> expected = new HashSet<>(idByName.values());
            expected.remove(idByName.get(m.name()));
            Set<String> seen = new HashSet<>(m.others().keySet());
            seen.retainAll(idByName.values()); // an observer, if any, aside
            assertEquals(expected, seen, m.name() + " sees the same five people");
        }
    }

    /** Everyone receives new video from each of the five others. */
    static void awaitFreshVideoEverywhere(List<RoomMember> members) throws InterruptedException {
        Map<String, Long> seen = new HashMap<>();
        for (RoomMember m : members) {
            m.videoFramesFrom().forEach((from, n) -> seen.put(m.name() + "<-" + from, n));
        }
        await("everyone receives new video from the five others", () -> members.stream().allMatch(m -> {
            long fresh = m.videoFramesFrom().entrySet().stream().filter(e -> e.getKey().startsWith("P")
                    && e.getValue() > seen.getOrDefault(m.name() + "<-" + e.getKey(), Long.MAX_VALUE)).count();
            return fresh == 5;
        }));
    }

    /** A second message from everyone; then everyone has all twelve. */
    static void chatAgainAndCheckHistory(List<RoomMember> members) throws InterruptedException {
        for (RoomMember m : members) {
            m.sendChat("after from " + m.name());
        }
        await("every message after arrived", () -> members.stream().allMatch(m -> m.chatTexts().size() == 12));
        for (RoomMember m : members) {
            Set<String> texts = m.chatTexts();
            for (int i = 0; i < 6; i++) {
                assertTrue(texts.contains("before from P" + i), m.name() + " has P" + i + "'s first message");
                assertTrue(texts.contains("after from P" + i), m.name() + " has P" + i + "'s second message");
            }
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, WAIT, condition);
    }

    static void await(String what, Duration bound, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + bound.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
