package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaAuthenticator;
import chorus.protocol.media.MediaKind;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Room actor with probes as its participants and real sockets as their video addresses. */
class RoomTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private MediaGateway gateway;
    private RelayConfig config;
    private final List<DatagramChannel> sockets = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        config = RelayConfig.from(ConfigFactory.parseString(
                "chorus.relay { host = \"127.0.0.1\", video-port = 0, audio-port = 0 }")
                .withFallback(ConfigFactory.load()).resolve());
        gateway = new MediaGateway(config, new RelayStats());
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
        room.tell(new Room.Join(info, probe.getRef()));
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
        ActorRef<Room.Command> room = testKit.spawn(Room.create("standup", rooms.getRef(), gateway, config, new FileStore(java.nio.file.Path.of("target", "files-" + System.nanoTime()))));
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
        assertEquals(new Rooms.RoomIdle("standup", 2), rooms.expectMessageClass(Rooms.RoomIdle.class));
    }

    @Test
    void videoIsForwardedToEveryOtherMember() throws Exception {
        TestProbe<Rooms.Command> rooms = testKit.createTestProbe();
        ActorRef<Room.Command> room = testKit.spawn(Room.create("standup", rooms.getRef(), gateway, config, new FileStore(java.nio.file.Path.of("target", "files-" + System.nanoTime()))));
        Member ada = join(room, "Ada", 1);
        Member bob = join(room, "Bob", 2);
        Member cy = join(room, "Cy", 3);
        byte[][] datagram = new byte[1][];
        new Fragmenter(MediaKind.VIDEO, 1, Codec.JPEG, MediaAuthenticator.newKey())
                .send(new byte[700], 0, 700, 0, 0, d -> {
                    datagram[0] = new byte[d.remaining()];
                    d.get(datagram[0]);
                });
        room.tell(new Room.ForwardVideo(1, datagram[0]));
        for (Member m : List.of(bob, cy)) {
            ByteBuffer got = Udp.receive(m.video(), Duration.ofSeconds(3));
            assertNotNull(got, m.info().name());
            assertEquals(datagram[0].length, got.limit());
        }
        assertNull(Udp.receive(ada.video(), Duration.ofMillis(200)), "not back to the sender");
    }
}
