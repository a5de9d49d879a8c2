package chorus.relay.room;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.media.MediaCipher;
import chorus.relay.config.RelayConfig;
import chorus.relay.files.FileAccess;
import chorus.relay.media.MediaGateway;
import chorus.relay.media.MediaPort;
import chorus.relay.media.MediaRoute;
import chorus.relay.metrics.RelayStats;
import chorus.relay.mixer.Mixer;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The Participant actor with probes for its room, mixer and connection, and a real gateway. */
class ParticipantTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Duration QUIET = Duration.ofMillis(200);
    private MediaGateway gateway;
    private final FileAccess fileAccess = new FileAccess();
    private final ParticipantInfo info = new ParticipantInfo("p-1", "Ada", 41);

    @BeforeEach
    void setUp() throws Exception {
        RelayConfig config = RelayConfig.from(ConfigFactory.parseString(
                "chorus.relay { host = \"127.0.0.1\", video-port = 0, audio-port = 0 }")
                .withFallback(ConfigFactory.load()).resolve());
        gateway = new MediaGateway(config, new RelayStats());
    }

    @AfterEach
    void tearDown() {
        gateway.close();
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private record Joined(ActorRef<Participant.Command> participant, TestProbe<Room.Command> room,
                          TestProbe<Mixer.Command> mixer, TestProbe<Participant.Event> connection) {
    }

    private Joined joined() {
        TestProbe<Rooms.Command> rooms = testKit.createTestProbe();
        TestProbe<Participant.Event> connection = testKit.createTestProbe();
        ActorRef<Participant.Command> p = testKit.spawn(Participant.create(info, "standup",
                MediaCipher.newKey(), "token-1", connection.getRef(), rooms.getRef(), gateway, fileAccess));
        Rooms.Join join = rooms.expectMessageClass(Rooms.Join.class);
        assertEquals("standup", join.room());
        assertEquals(info, join.info());
        TestProbe<Room.Command> room = testKit.createTestProbe();
        TestProbe<Mixer.Command> mixer = testKit.createTestProbe();
        p.tell(new Participant.Joined(room.getRef(), mixer.getRef(), List.of(info)));
        assertEquals(List.of(info), connection.expectMessageClass(Participant.Welcomed.class).roster());
        return new Joined(p, room, mixer, connection);
    }

    @Test
    void onJoiningItWelcomesItsClientAndPublishesItsMixerAndFileGrant() {
        Joined j = joined();
        MediaRoute route = gateway.route(41);
        assertSame(j.mixer().getRef(), route.mixer(), "the gateway sends its audio frames to the room's mixer");
        FileAccess.Grant grant = fileAccess.check("Bearer token-1");
        assertEquals("standup", grant.room());
        assertEquals(info, grant.participant());
    }

    @Test
    void learnsAnAddressPublishesItAndTellsTheRoom() {
        Joined j = joined();
        InetSocketAddress first = new InetSocketAddress("127.0.0.1", 40000);
        j.participant().tell(new Participant.AddressSeen(MediaPort.VIDEO, first));
        assertEquals(new Room.AddressLearned(41, MediaPort.VIDEO, first), j.room().expectMessageClass(Room.AddressLearned.class));
        assertEquals(first, gateway.route(41).address(MediaPort.VIDEO));
        assertNull(gateway.route(41).address(MediaPort.AUDIO), "ports are learned separately");

        j.participant().tell(new Participant.AddressSeen(MediaPort.VIDEO, first));
        j.room().expectNoMessage(QUIET); // the same address again is not news

        InetSocketAddress rebound = new InetSocketAddress("127.0.0.1", 40002);
        j.participant().tell(new Participant.AddressSeen(MediaPort.VIDEO, rebound));
        assertEquals(rebound, j.room().expectMessageClass(Room.AddressLearned.class).address());
        assertEquals(rebound, gateway.route(41).address(MediaPort.VIDEO));
    }

    @Test
    void chatAndScreenSharingGoToItsRoomAndNotificationsToItsClient() {
        Joined j = joined();
        j.participant().tell(new Participant.SendChat("hello"));
        assertEquals(new Room.Chat(41, "hello"), j.room().expectMessageClass(Room.Chat.class));
        j.participant().tell(new Participant.ShareScreen(true));
        assertEquals(new Room.ScreenShare(41, true), j.room().expectMessageClass(Room.ScreenShare.class));
        ControlMessage joinedBob = new ControlMessage.ParticipantJoined(new ParticipantInfo("p-2", "Bob", 42));
        j.participant().tell(new Participant.Notify(joinedBob));
        assertEquals(joinedBob, j.connection().expectMessageClass(Participant.Notified.class).message());
    }

    @Test
    void leavingTellsTheRoomWhyStopsAndWithdrawsItsRouteAndToken() {
        Joined j = joined();
        j.participant().tell(new Participant.Leave("timeout"));
        assertEquals(new Room.Leave(41, "timeout"), j.room().expectMessageClass(Room.Leave.class));
        j.room().expectTerminated(j.participant());
        assertNull(gateway.route(41), "no more datagrams are accepted for it");
        assertNull(fileAccess.check("Bearer token-1"), "its file token is no longer valid");
    }
}
