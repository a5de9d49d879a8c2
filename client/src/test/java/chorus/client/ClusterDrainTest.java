package chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes issue's drain, with separate relay JVMs: SIGTERM (what Kubernetes sends a pod it
 * stops) to the node that holds the room, with two participants sending video and a tone on each
 * of the three nodes. The drained node's participants move to the other nodes as themselves and
 * everyone keeps receiving everyone's video; nobody sees anyone leave; no chat message is lost;
 * the node exits.
 */
class ClusterDrainTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Well inside k8s/relay.yaml's terminationGracePeriodSeconds (45). */
    private static final Duration EXIT_BOUND = Duration.ofSeconds(40);

    @TempDir
    Path dir;
    private RelayProcesses relays;
    private final List<Call> calls = new ArrayList<>();
    private ChorusClient observer;

    @AfterEach
    void stop() throws InterruptedException {
        calls.forEach(Call::close);
        if (observer != null) {
            observer.close();
        }
        if (relays != null) {
            relays.close();
        }
    }

    @Test
    void sigtermMovesTheNodesParticipantsWhoKeepTheirMediaAndChat() throws Exception {
        relays = RelayProcesses.start(3, dir, "ClusterDrainTest");
        String room = "drain-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 6; i++) {
            String name = "P" + i;
            Call call = Call.start(CallOptions.of(relays.control(i % 3), name, room)
                    .withReconnect(Duration.ofMillis(200), Duration.ofSeconds(1)), null);
            call.useCamera(CallTest.pattern(name));
            call.useMicrophone(CallTest.tone(330 + 110 * i));
            call.setCameraOn(true);
            call.setMuted(false);
            calls.add(call);
            await("P" + i + " joined", () -> call.state() == CallState.JOINED);
        }
        await("everyone sees five others", () -> calls.stream().allMatch(c -> c.snapshot().others().size() == 5));
        await("everyone knows the two other nodes",
                () -> calls.stream().allMatch(c -> c.client() != null && c.client().otherNodes().size() == 2));
        await("everyone receives everyone's video", () -> calls.stream().allMatch(c ->
                c.snapshot().others().stream().allMatch(p -> p.videoFrames() > 0)));
        Map<String, String> idByName = new HashMap<>();
        calls.forEach(c -> idByName.put(c.options().name(), c.client().welcome().participantId()));
        for (Call c : calls) {
            c.sendChat("before from " + c.options().name());
        }
        await("every message before the drain arrived", () -> calls.stream().allMatch(c -> c.snapshot().chat().size() == 6));

        // The room's entity lives on the drained node, so the room is handed off as well.
        int victim = relays.entityNode(room);
        int survivor = (victim + 1) % 3;
        List<String> lefts = new CopyOnWriteArrayList<>();
        observer = ChorusClient.connect(ClientOptions.of(relays.control(survivor), "Observer", room), new ClientListener() {
            @Override
            public void onParticipantLeft(ParticipantInfo participant, String reason) {
                lefts.add(participant.name() + " (" + reason + ")");
            }
        });
        await("everyone sees the observer", () -> calls.stream().allMatch(c -> c.snapshot().others().size() == 6));
        Map<Call, ChorusClient> before = new HashMap<>();
        calls.forEach(c -> before.put(c, c.client()));
        Process drained = relays.process(victim);
        drained.destroy(); // SIGTERM
        long termAt = System.nanoTime();
        List<Call> moved = List.of(calls.get(victim), calls.get(victim + 3));
        await("the drained node's participants moved", () -> moved.stream().allMatch(c -> c.state() == CallState.JOINED
                && c.client() != null && c.client() != before.get(c) && ClusterFailoverTest.backInRoom(c, calls, 6)));
        System.out.println("node " + victim + " (holding the room) drained; its participants were back after "
                + Duration.ofNanos(System.nanoTime() - termAt).toMillis() + " ms");
        for (Call c : moved) {
            assertEquals(idByName.get(c.options().name()), c.client().welcome().participantId(), "moved as the same participant");
        }

        // Media keeps flowing to everyone, from everyone, after the move.
        Map<String, Long> framesAfterMove = new HashMap<>();
        for (Call c : calls) {
            c.snapshot().others().forEach(p -> framesAfterMove.put(c.options().name() + "<-" + p.name(), p.videoFrames()));
        }
        await("everyone receives new video from the five others after the move", () -> calls.stream().allMatch(c ->
                c.snapshot().others().stream().filter(p -> !p.name().equals("Observer")).allMatch(p ->
                        p.videoFrames() > framesAfterMove.getOrDefault(c.options().name() + "<-" + p.name(), Long.MAX_VALUE))));

        for (Call c : calls) {
            c.sendChat("after from " + c.options().name());
        }
        await("every message after the drain arrived", () -> calls.stream().allMatch(c -> c.snapshot().chat().size() == 12));
        for (Call c : calls) {
            Set<String> texts = new HashSet<>();
            c.snapshot().chat().forEach(l -> texts.add(l.text()));
            for (int i = 0; i < 6; i++) {
                assertTrue(texts.contains("before from P" + i), c.options().name() + " has P" + i + "'s first message");
                assertTrue(texts.contains("after from P" + i), c.options().name() + " has P" + i + "'s second message");
            }
        }
        assertTrue(drained.waitFor(EXIT_BOUND.toSeconds(), TimeUnit.SECONDS), "the drained node exits");
        String log = relays.log(victim);
        assertTrue(log.contains("drained: every participant moved"), "the node waited for its participants to go");
        assertEquals(List.of(), lefts, "nobody was seen leaving");
        String gone = relays.control(victim).toString();
        await("nobody is offered the drained node any more", () -> calls.stream().allMatch(c ->
                c.client() != null && c.client().otherNodes().size() == 1 && !c.client().otherNodes().contains(gone)));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + WAIT.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
