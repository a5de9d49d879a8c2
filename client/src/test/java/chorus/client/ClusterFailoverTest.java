package chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.bot.Bot;
import chorus.client.call.Call;
import chorus.client.call.TransferState;
import chorus.client.media.TestPattern;
import chorus.client.session.ChorusClient;
import chorus.client.session.ClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay node dies (SIGKILL) under a room spread over three relay JVMs, with a desktop client's
 * {@link Call} and a {@link Bot} on each node: the dead node's two come back through the other
 * nodes as themselves within the 5 s, the others never see them leave, media flows again
 * from and to them, nobody's chat misses a message, and a file uploaded through the dead node
 * still downloads from a survivor. The node killed is the one holding the room (the worst case:
 * the room itself must move).
 */
class ClusterFailoverTest {
    /** The Cluster issue's bound on coming back after a node loss. */
    private static final Duration RESUME_BOUND = Duration.ofSeconds(5);

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
    void participantsOfAKilledNodeResumeWithinFiveSecondsAndNothingIsLost() throws Exception {
        relays = RelayProcesses.start(3, dir, "ClusterFailoverTest");
        String room = "failover-" + UUID.randomUUID().toString().substring(0, 8);
        Map<Integer, Call> calls = ClusterRoom.join(relays, room, members, true);

        for (RoomMember m : members) {
            m.sendChat("before from " + m.name());
        }
        ClusterRoom.await("every message before the kill arrived", () -> members.stream()
                .allMatch(m -> m.chatTexts().size() == 6));
        int victim = relays.entityNode(room);
        Path notes = Files.writeString(dir.resolve("notes.txt"), "agenda: failover\n".repeat(1000));
        calls.get(victim).upload(notes); // through the node that dies
        ClusterRoom.await("the upload is offered to everyone", () -> calls.values().stream()
                .allMatch(c -> c.snapshot().files().size() == 1));

        Map<String, String> idByName = ClusterRoom.ids(members);
        List<String> lefts = new java.util.concurrent.CopyOnWriteArrayList<>();
        observer = ClusterRoom.observer(relays.control((victim + 1) % 3), room, members, lefts);
        Map<RoomMember, ChorusClient> before = new HashMap<>();
        members.forEach(m -> before.put(m, m.connection()));
        relays.process(victim).destroyForcibly(); // SIGKILL
        long killed = System.nanoTime();
        List<RoomMember> moved = List.of(members.get(victim), members.get(victim + 3));
        ClusterRoom.await("node " + victim + "'s participants are back", RESUME_BOUND.plusSeconds(15), () -> moved.stream()
                .allMatch(m -> m.joinedOtherThan(before.get(m)) && ClusterRoom.seenByAll(m, members, 6)));
        Duration back = Duration.ofNanos(System.nanoTime() - killed);
        System.out.println("node " + victim + " (holding the room) was killed; its participants were back in the room after "
                + back.toMillis() + " ms");
        assertTrue(back.compareTo(RESUME_BOUND) <= 0, "back after " + back.toMillis() + " ms; the bound is 5 s");
        ClusterRoom.assertSameIdentities(members, idByName);
        ClusterRoom.awaitFreshVideoEverywhere(members);
        ClusterRoom.chatAgainAndCheckHistory(members);
        assertEquals(List.of(), lefts, "nobody was seen leaving");

        // The file's bytes were on the node that died; a survivor downloads it all the same.
        Call downloader = calls.get((victim + 1) % 3);
        String fileId = downloader.snapshot().files().get(0).fileId();
        Path saved = Files.createDirectories(dir.resolve("saved"));
        downloader.download(fileId, saved);
        ClusterRoom.await("the download ends", () -> downloader.snapshot().files().get(0).download() != TransferState.RUNNING
                && downloader.snapshot().files().get(0).download() != TransferState.NOT_STARTED);
        var file = downloader.snapshot().files().get(0);
        assertEquals(TransferState.DONE, file.download(), "download: " + file.problem());
        assertEquals(Files.readString(notes), Files.readString(file.savedTo()));
    }

    /**
     * The room lives on two of three nodes and the node holding it dies: its participant comes back
     * through the third node, which had no part of the room, from that node's replica of the room,
     * also within the bound, with its history.
     */
    @Test
    void aParticipantResumesWithinFiveSecondsThroughANodeThatHadNoPartOfTheRoom() throws Exception {
        relays = RelayProcesses.start(3, dir, "ClusterFailoverTest-elsewhere");
        String room = "elsewhere-" + UUID.randomUUID().toString().substring(0, 8);
        ChorusClient ada = ChorusClient.connect(ClientOptions.of(relays.control(0), "Ada", room), null);
        int dying = relays.entityNode(room);
        if (dying != 0) {
            ada.close(); // the room went to another node; Ada joins there so that node holds both
            ada = ChorusClient.connect(ClientOptions.of(relays.control(dying), "Ada", room), null);
        }
        int staying = (dying + 1) % 3;
        int elsewhere = (dying + 2) % 3;
        ChorusClient bob = ChorusClient.connect(ClientOptions.of(relays.control(staying), "Bob", room), null);
        try {
            ChorusClient adaFirst = ada;
            ClusterRoom.await("Ada knows both other nodes", () -> adaFirst.otherNodes().size() == 2);
            ada.sendChat("before the crash");
            ClusterRoom.await("Bob has Ada's message", () -> bob.chat().size() == 1);
            var resume = ada.resume();
            String id = ada.welcome().participantId();
            relays.process(dying).destroyForcibly(); // SIGKILL: Ada's node, and the room's
            long killed = System.nanoTime();
            ada.close();
            ada = ChorusClient.connect(ClientOptions.of(relays.control(elsewhere), "Ada", room).withResume(resume), null);
            Duration welcomed = Duration.ofNanos(System.nanoTime() - killed);
            ChorusClient back = ada;
            assertEquals(id, back.welcome().participantId(), "the same participant");
            int mediaId = back.welcome().mediaId();
            ClusterRoom.await("Bob sees Ada under her new media id", () -> bob.roster().stream()
                    .anyMatch(p -> p.participantId().equals(id) && p.mediaId() == mediaId));
            Duration seen = Duration.ofNanos(System.nanoTime() - killed);
            System.out.println("Ada resumed through node " + elsewhere + ", which had no part of the room: welcomed after "
                    + welcomed.toMillis() + " ms, seen by Bob after " + seen.toMillis() + " ms");
            assertTrue(seen.compareTo(RESUME_BOUND) <= 0, "back after " + seen.toMillis() + " ms; the bound is 5 s");
            assertTrue(back.roster().stream().anyMatch(p -> p.name().equals("Bob")), "Ada's welcome lists Bob");
            ClusterRoom.await("Ada has the history", () -> back.chat().stream()
                    .anyMatch(m -> m.text().equals("before the crash")));
            back.startVideo(new TestPattern("Ada", 10), 10);
            ClusterRoom.await("Bob receives Ada's video through the new node",
                    () -> bob.snapshot().videoFramesReceivedFrom().getOrDefault("Ada", 0L) > 0);
        } finally {
            ada.close();
            bob.close();
        }
    }
}
