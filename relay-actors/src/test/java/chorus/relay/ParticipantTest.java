package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.Tones;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.media.Codec;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaAuthenticator;
import chorus.protocol.media.MediaHeader;
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

/** The Participant actor with probes for its room, mixer and connection. */
class ParticipantTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Duration QUIET = Duration.ofMillis(200);
    private MediaGateway gateway;
    private DatagramChannel socket;
    private final byte[] key = MediaAuthenticator.newKey();
    private final ParticipantInfo info = new ParticipantInfo("p-1", "Ada", 41);

    @BeforeEach
    void setUp() throws Exception {
        RelayConfig config = RelayConfig.from(ConfigFactory.parseString(
                "chorus.relay { host = \"127.0.0.1\", video-port = 0, audio-port = 0 }")
                .withFallback(ConfigFactory.load()).resolve());
        gateway = new MediaGateway(config, new RelayStats());
        socket = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void tearDown() throws Exception {
        gateway.close();
        socket.close();
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
        ActorRef<Participant.Command> p = testKit.spawn(
                Participant.create(info, "standup", key, "token-1", connection.getRef(), rooms.getRef(), gateway, new FileAccess()));
        Rooms.Join join = rooms.expectMessageClass(Rooms.Join.class);
        assertEquals("standup", join.room());
        assertEquals(info, join.info());
        TestProbe<Room.Command> room = testKit.createTestProbe();
        TestProbe<Mixer.Command> mixer = testKit.createTestProbe();
        p.tell(new Participant.Joined(room.getRef(), mixer.getRef(), List.of(info)));
        assertEquals(List.of(info), connection.expectMessageClass(Participant.Welcomed.class).roster());
        return new Joined(p, room, mixer, connection);
    }

    private static byte[] signal(MediaKind kind, int mediaId, byte[] key) {
        ByteBuffer b = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        int len = Fragmenter.encodeSignal(b, kind, mediaId, 1, new MediaAuthenticator(key));
        return java.util.Arrays.copyOf(b.array(), len);
    }

    private List<byte[]> fragments(MediaKind kind, int codec, byte[] frame, byte[] key) {
        List<byte[]> out = new ArrayList<>();
        new Fragmenter(kind, info.mediaId(), codec, key).send(frame, 0, frame.length, 0, 0, d -> {
            byte[] copy = new byte[d.remaining()];
            d.get(copy);
            out.add(copy);
        });
        return out;
    }

    @Test
    void learnsItsAddressFromAVerifiedHelloAndAcknowledgesIt() throws Exception {
        Joined j = joined();
        InetSocketAddress from = (InetSocketAddress) socket.getLocalAddress();
        j.participant().tell(new Participant.MediaIn(MediaPort.VIDEO, signal(MediaKind.HELLO, 41, key), from));
        assertEquals(new Room.AddressLearned(41, MediaPort.VIDEO, from), j.room().expectMessageClass(Room.AddressLearned.class));
        ByteBuffer ack = Udp.receive(socket, Duration.ofSeconds(3));
        assertNotNull(ack);
        assertEquals(MediaKind.HELLO, MediaHeader.kind(ack, 0));
        assertEquals(true, new MediaAuthenticator(key).verify(ack, 0, MediaHeader.HEADER_LENGTH));
        // the same address again is not news
        j.participant().tell(new Participant.MediaIn(MediaPort.VIDEO, signal(MediaKind.KEEPALIVE, 41, key), from));
        j.room().expectNoMessage(QUIET);
    }

    @Test
    void forgedPacketDoesNotMoveAddressAndIsCounted() {
        Joined j = joined();
        InetSocketAddress real = new InetSocketAddress("127.0.0.1", 40000);
        j.participant().tell(new Participant.MediaIn(MediaPort.VIDEO, signal(MediaKind.KEEPALIVE, 41, key), real));
        j.room().expectMessageClass(Room.AddressLearned.class);
        long before = gateway.stats().drops(DropReason.BAD_TAG);
        InetSocketAddress attacker = new InetSocketAddress("127.0.0.1", 40001);
        for (byte[] d : fragments(MediaKind.VIDEO, Codec.JPEG, new byte[500], MediaAuthenticator.newKey())) {
            j.participant().tell(new Participant.MediaIn(MediaPort.VIDEO, d, attacker));
        }
        j.room().expectNoMessage(QUIET);
        assertEquals(before + 1, gateway.stats().drops(DropReason.BAD_TAG));
    }

    @Test
    void verifiedVideoGoesToTheRoomAndANewAddressMovesIt() {
        Joined j = joined();
        InetSocketAddress first = new InetSocketAddress("127.0.0.1", 40000);
        InetSocketAddress rebound = new InetSocketAddress("127.0.0.1", 40002);
        List<byte[]> two = fragments(MediaKind.VIDEO, Codec.JPEG, new byte[2000], key);
        j.participant().tell(new Participant.MediaIn(MediaPort.VIDEO, two.get(0), first));
        assertEquals(first, j.room().expectMessageClass(Room.AddressLearned.class).address());
        Room.ForwardVideo v = j.room().expectMessageClass(Room.ForwardVideo.class);
        assertEquals(41, v.senderMediaId());
        assertArrayEquals(two.get(0), v.datagram());
        j.participant().tell(new Participant.MediaIn(MediaPort.VIDEO, two.get(1), rebound));
        assertEquals(rebound, j.room().expectMessageClass(Room.AddressLearned.class).address());
    }

    @Test
    void aReplayedDatagramFromAnotherAddressDoesNotMoveIt() {
        Joined j = joined();
        List<byte[]> video = fragments(MediaKind.VIDEO, Codec.JPEG, new byte[3000], key);
        InetSocketAddress real = new InetSocketAddress("127.0.0.1", 40000);
        for (byte[] d : video) {
            j.participant().tell(new Participant.MediaIn(MediaPort.VIDEO, d, real));
        }
        j.room().expectMessageClass(Room.AddressLearned.class);
        for (int i = 0; i < video.size(); i++) {
            j.room().expectMessageClass(Room.ForwardVideo.class);
        }
        long refusedBefore = gateway.stats().addressMovesRefused();
        InetSocketAddress replayer = new InetSocketAddress("127.0.0.1", 40009);
        j.participant().tell(new Participant.MediaIn(MediaPort.VIDEO, video.get(0), replayer));
        j.room().expectMessageClass(Room.ForwardVideo.class); // authentic, so harmless to forward
        j.room().expectNoMessage(QUIET); // but no AddressLearned: the address stayed
        assertEquals(refusedBefore + 1, gateway.stats().addressMovesRefused());
    }

    @Test
    void audioIsReassembledIntoFramesForTheMixer() {
        Joined j = joined();
        short[] tone = Tones.sine(440, 0.5, 0, AudioFormat.FRAME_SAMPLES);
        List<byte[]> parts = fragments(MediaKind.AUDIO, Codec.PCM16, AudioFormat.toBytes(tone), key);
        assertEquals(2, parts.size());
        InetSocketAddress from = new InetSocketAddress("127.0.0.1", 40003);
        j.participant().tell(new Participant.MediaIn(MediaPort.AUDIO, parts.get(1), from));
        j.participant().tell(new Participant.MediaIn(MediaPort.AUDIO, parts.get(0), from));
        Mixer.AudioFrame frame = j.mixer().expectMessageClass(Mixer.AudioFrame.class);
        assertEquals(41, frame.mediaId());
        assertArrayEquals(tone, frame.samples());
    }

    @Test
    void leavingTellsTheRoomWhyAndStops() {
        Joined j = joined();
        j.participant().tell(new Participant.Leave("timeout"));
        assertEquals(new Room.Leave(41, "timeout"), j.room().expectMessageClass(Room.Leave.class));
        j.room().expectTerminated(j.participant());
    }
}
