package chorus.relay.room;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.media.MediaCipher;
import chorus.relay.config.RelayConfig;
import chorus.relay.ClusterCerts;
import chorus.relay.RelayNode;
import chorus.relay.media.MediaGateway;
import chorus.relay.media.MediaPort;
import chorus.relay.metrics.RelayStats;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Room actor with probes as its participants and real sockets as their video addresses, on a
 * cluster of one running the sharded room, as a relay on its own does.
 */
class RoomTest {
    private static final RelayConfig config = RelayConfig.from(ConfigFactory.parseString(
            "chorus.relay { host = \"127.0.0.1\", video-port = 0, audio-port = 0 }")
            .withFallback(ConfigFactory.load()).resolve());
    private static final ActorTestKit testKit = ActorTestKit.create(
            RelayNode.clusterConfig(config, ClusterCerts.alone(config)).withFallback(ConfigFactory.load()).resolve());
    private MediaGateway gateway;
    private final List<DatagramChannel> sockets = new ArrayList<>();

    @BeforeAll
    static void joinTheClusterOfOne() {
        Cluster cluster = Cluster.get(testKit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        RoomEntity.initSharding(testKit.system(), config, testKit.spawn(RoomEntity.expiredTopic()));
    }

    @BeforeEach
    void setUp() throws Exception {
        gateway = new MediaGateway(config, new RelayStats());
    }

    /** A room's part on this node, linked to its sharded room; each test its own room. */
    private ActorRef<Room.Command> spawnRoom(String name, TestProbe<Rooms.Command> rooms) {
        var entity = ClusterSharding.get(testKit.system()).entityRefFor(RoomEntity.TYPE_KEY, name);
        String node = Cluster.get(testKit.system()).selfMember().address().toString();
        return testKit.spawn(Room.create(name, rooms.getRef(), gateway, config, new Room.Link(entity, node,
                "127.0.0.1", gateway.port(MediaPort.VIDEO), gateway.port(MediaPort.AUDIO))));
    }

    @AfterEach
    void tearDown() throws Exception {
        gateway.close();
        for (DatagramChannel s : sockets) {
            s.close();
        }
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private record Member(ParticipantInfo info, TestProbe<Participant.Command> probe, DatagramChannel video) {
    }

    private Member join(ActorRef<Room.Command> room, String name, int mediaId) throws Exception {
        TestProbe<Participant.Command> probe = testKit.createTestProbe();
        ParticipantInfo info = new ParticipantInfo("id-" + name, name, mediaId);
        room.tell(new Room.Join(info, probe.getRef(), null, true));
        DatagramChannel video = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        sockets.add(video);
        room.tell(new Room.AddressLearned(mediaId, MediaPort.VIDEO, (InetSocketAddress) video.getLocalAddress()));
        return new Member(info, probe, video);
    }

    private static <T> T notified(TestProbe<Participant.Command> probe, Class<T> type) {
        return type.cast(probe.expectMessageClass(Participant.Notify.class).message());
    }

    @Test
    void rosterAndJoinLeaveNotifications() throws Exception {
        TestProbe<Rooms.Command> rooms = testKit.createTestProbe();
        String name = "standup-" + System.nanoTime();
        ActorRef<Room.Command> room = spawnRoom(name, rooms);
        Member ada = join(room, "Ada", 1);
        assertEquals(List.of(ada.info()), ada.probe().expectMessageClass(Participant.Joined.class).roster());
        Member bob = join(room, "Bob", 2);
        assertEquals(List.of(ada.info(), bob.info()), bob.probe().expectMessageClass(Participant.Joined.class).roster());
        assertEquals(bob.info(), notified(ada.probe(), ControlMessage.ParticipantJoined.class).participant());

        room.tell(new Room.Leave(2, "leave"));
        ControlMessage.ParticipantLeft left = notified(ada.probe(), ControlMessage.ParticipantLeft.class);
        assertEquals(new ControlMessage.ParticipantLeft(bob.info(), "leave"), left);
        bob.probe().expectNoMessage(Duration.ofMillis(100));

        ada.probe().stop(); // vanished: the room watches its members
        assertEquals(new Rooms.RoomIdle(name, 2), rooms.expectMessageClass(Rooms.RoomIdle.class));
    }

    @Test
    void itPublishesWhoGetsVideoAndWhoMaySendScreen() throws Exception {
        TestProbe<Rooms.Command> rooms = testKit.createTestProbe();
        ActorRef<Room.Command> room = spawnRoom("standup-" + System.nanoTime(), rooms);
        for (int id = 1; id <= 3; id++) {
            gateway.register(id, MediaCipher.newKey(), testKit.<Participant.Command>createTestProbe().getRef());
        }
        Member ada = join(room, "Ada", 1);
        Member bob = join(room, "Bob", 2);
        Member cy = join(room, "Cy", 3);
        ada.probe().expectMessageClass(Participant.Joined.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (!gateway.receiversOf(1).equals(Set.of(2, 3)) || !gateway.receiversOf(2).equals(Set.of(1, 3))
                || !gateway.receiversOf(3).equals(Set.of(1, 2))) {
            assertTrue(System.nanoTime() < deadline, "each one's video goes to the other two (no subscription: everyone)");
            Thread.sleep(5);
        }
        for (int id = 1; id <= 3; id++) {
            assertEquals(0, gateway.route(id).room.presenter(), "nobody presents yet");
        }
        room.tell(new Room.ScreenShare(2, true));
        bob.probe().fishForMessage(Duration.ofSeconds(3), m -> m instanceof Participant.Notify n
                && n.message() instanceof ControlMessage.PresenterChanged
                ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
        assertEquals(2, gateway.route(1).room.presenter(), "only Bob's screen is forwarded now");
        room.tell(new Room.Leave(3, "leave"));
        ada.probe().fishForMessage(Duration.ofSeconds(3), m -> m instanceof Participant.Notify n
                && n.message() instanceof ControlMessage.ParticipantLeft
                ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
        assertEquals(Set.of(2), gateway.receiversOf(1), "a leaver gets no more video");
    }

    /**
     * Two join at once: the second is still waiting for its welcome when the first is announced.
     * Its roster (taken at its welcome) has the first already, so it must not also be told the
     * first joined: each member is in a newcomer's roster or in a joined after it, never both.
     */
    @Test
    void membersJoiningAtOnceAreEachInTheOthersRosterOrAnnouncedToThemNeverBoth() throws Exception {
        TestProbe<Rooms.Command> rooms = testKit.createTestProbe();
        ActorRef<Room.Command> room = spawnRoom("together-" + System.nanoTime(), rooms);
        Member ada = join(room, "Ada", 1);
        ada.probe().expectMessageClass(Participant.Joined.class);
        Member bob = join(room, "Bob", 2);
        Member cy = join(room, "Cy", 3);
        for (Member m : List.of(bob, cy)) {
            Set<String> inRoster = new java.util.HashSet<>();
            List<String> announced = new ArrayList<>();
            // (whatever comes before the welcome, its connection sends after the roster)
            for (int i = 0; i < 100; i++) {
                Participant.Command c;
                try {
                    c = m.probe().receiveMessage(Duration.ofMillis(inRoster.isEmpty() ? 5000 : 500));
                } catch (AssertionError quiet) {
                    break;
                }
                if (c instanceof Participant.Joined joined) {
                    inRoster.addAll(joined.roster().stream().map(ParticipantInfo::name).toList());
                } else if (c instanceof Participant.Notify n && n.message() instanceof ControlMessage.ParticipantJoined j) {
                    announced.add(j.participant().name());
                }
            }
            for (String name : announced) {
                assertTrue(!inRoster.contains(name), m.info().name() + " has " + name + " in its roster " + inRoster
                        + " and was also told " + name + " joined");
            }
            Set<String> seen = new java.util.HashSet<>(inRoster);
            seen.addAll(announced);
            assertEquals(Set.of("Ada", "Bob", "Cy"), seen, m.info().name() + " knows everyone once");
        }
    }
}
