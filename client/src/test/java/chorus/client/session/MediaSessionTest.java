package chorus.client.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.LoopbackRelay;
import chorus.client.codec.AnnexB;
import chorus.client.codec.VideoEncoding;
import chorus.client.media.FrameCounterStrip;
import chorus.client.media.AudioPlayout;
import chorus.client.media.AudioSink;
import chorus.client.media.DropCounts;
import chorus.client.media.TestPattern;
import chorus.client.media.ToneSource;
import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.Tones;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.media.Codec;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaSealer;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Reassembler;
import chorus.relay.RelayNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Media sessions of participants joined to a real relay on loopback. */
class MediaSessionTest {
    /** Mixed frames judged by ear (Goertzel) in the audio tests: 400 ms. */
    private static final int FRAMES_JUDGED = 20;
    private static RelayNode relay;

    private final List<Member> members = new ArrayList<>();

    @BeforeAll
    static void startRelay() throws IOException {
        relay = LoopbackRelay.start();
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    @AfterEach
    void leave() {
        members.forEach(Member::close);
    }

    private record Received(int mediaId, Reassembler.Frame frame, BufferedImage image) {
    }

    /**
     * One participant as the media session sees it: a joined control connection (its reader
     * answers the relay's pings) and a started media session on the welcome's endpoints and key.
     */
    private final class Member implements AutoCloseable {
        final ControlConnection control;
        final MediaSession media;
        final List<Received> frames = new CopyOnWriteArrayList<>();
        final CountDownLatch ready = new CountDownLatch(1);

        Member(String name, String room) throws IOException {
            this(name, room, VideoEncoding.H264);
        }

        Member(String name, String room, VideoEncoding video) throws IOException {
            control = ControlConnection.open(LoopbackRelay.address(relay),
                    new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, name, room, "chorus-test/0"),
                    LoopbackRelay.WAIT);
            control.start(new ControlConnection.Listener() {
                @Override
                public void onMessage(ControlMessage message) {
                }

                @Override
                public void onClosed(String reason, boolean requested) {
                }
            }, new ClientThreads(room, name).named("control"));
            MediaSession.Config config = ChorusClient.mediaConfig(control.welcome(), control.remoteAddress(), true,
                    video);
            media = new MediaSession(config, new MediaSession.Listener() {
                @Override
                public void onVideoFrame(int mediaId, Reassembler.Frame frame, BufferedImage image) {
                    frames.add(new Received(mediaId, frame, image));
                }

                @Override
                public void onMediaReady() {
                    ready.countDown();
                }
            }, new ClientThreads(room, name));
            members.add(this);
            media.start();
        }

        int mediaId() {
            return control.welcome().mediaId();
        }

        void awaitReady() throws InterruptedException {
            assertTrue(ready.await(LoopbackRelay.WAIT.toMillis(), TimeUnit.MILLISECONDS), "relay acknowledged both hellos");
        }

        List<Received> framesFrom(Member sender) {
            return frames.stream().filter(r -> r.mediaId() == sender.mediaId()).toList();
        }

        InetSocketAddress videoPort() throws IOException {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), media.videoLocalAddress().getPort());
        }

        InetSocketAddress audioPort() throws IOException {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), media.audioLocalAddress().getPort());
        }

        @Override
        public void close() {
            media.close();
            control.close();
        }
    }

    /** The datagrams of one frame, each as its own array (the fragmenter reuses its buffer). */
    private static List<byte[]> fragments(Fragmenter fragmenter, byte[] frame, long timestamp) {
        List<byte[]> out = new ArrayList<>();
        fragmenter.send(frame, 0, frame.length, timestamp, MediaHeader.FLAG_KEYFRAME, datagram -> {
            byte[] copy = new byte[datagram.remaining()];
            datagram.get(copy);
            out.add(copy);
        });
        return out;
    }

    /** Each clear datagram sealed by {@code sealer}, as its own array. */
    private static List<byte[]> sealed(List<byte[]> clear, MediaSealer sealer) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] c : clear) {
            ByteBuffer d = sealer.seal(ByteBuffer.wrap(c));
            out.add(Arrays.copyOf(d.array(), d.limit()));
        }
        return out;
    }

    /**
     * Frames of the mix in which {@code hz} is at a tone's full level. The relay conceals a talker's
     * late frame (a fading copy) now and then on a busy machine, so tests ask for most, not all.
     */
    private static int framesAtToneLevel(List<short[]> frames, double hz) {
        int n = 0;
        for (short[] frame : frames) {
            if (Math.abs(Tones.amplitude(frame, hz) - ToneSource.AMPLITUDE) < 0.02) {
                n++;
            }
        }
        return n;
    }

    @Test
    void helloIsAcknowledgedSoASessionThatSendsNothingStillReceives() throws Exception {
        String room = LoopbackRelay.room("hello");
        Member alice = new Member("alice", room);
        alice.awaitReady();
        assertTrue(alice.media.ready());
        assertEquals(0, alice.media.drops(DropReason.BAD_TAG.label()), "the relay signs the ack with alice's key");

        long keepalivesBefore = relay.stats().packetsIn(MediaKind.KEEPALIVE);
        Member bob = new Member("bob", room);
        bob.media.startVideo(new TestPattern("bob", 15), 15);
        // Alice never sent media: only her hello told the relay where to send bob's video.
        LoopbackRelay.await("bob's video reaches alice", () -> !alice.framesFrom(bob).isEmpty());
        Received first = alice.framesFrom(bob).get(0);
        assertNotNull(first.image());
        assertEquals(TestPattern.WIDTH, first.image().getWidth());
        assertEquals(0, alice.media.videoFramesSent());
        assertEquals(0, alice.media.audioFramesSent());
        LoopbackRelay.await("keepalives follow the acknowledged hellos",
                () -> relay.stats().packetsIn(MediaKind.KEEPALIVE) > keepalivesBefore);
    }

    @Test
    void datagramsFromAForeignAddressAreDroppedAndCounted() throws Exception {
        String room = LoopbackRelay.room("foreign");
        Member alice = new Member("alice", room);
        Member bob = new Member("bob", room);
        bob.media.startVideo(new TestPattern("bob", 15), 15);
        LoopbackRelay.await("the relay's copy of bob's video arrives", () -> !alice.framesFrom(bob).isEmpty());

        // A stranger who knows bob's media id sends a picture and a mix straight to alice's sockets.
        byte[] forged = new TestPattern("mallory", 15).jpeg(0);
        byte[] strangersKey = MediaCipher.newKey();
        List<byte[]> video = sealed(fragments(new Fragmenter(MediaKind.VIDEO, bob.mediaId(), Codec.JPEG), forged, 0),
                new MediaSealer(strangersKey, MediaCipher.VIDEO_CHANNEL, MediaCipher.RELAY_TO_CLIENT));
        Fragmenter mixer = new Fragmenter(MediaKind.AUDIO, AudioPlayout.MIX_MEDIA_ID, Codec.PCM16);
        MediaSealer mixSealer = new MediaSealer(strangersKey, MediaCipher.AUDIO_CHANNEL, MediaCipher.RELAY_TO_CLIENT);
        List<byte[]> audio = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            short[] tone = Tones.sine(600, 0.25, (long) i * AudioFormat.FRAME_SAMPLES, AudioFormat.FRAME_SAMPLES);
            audio.addAll(sealed(fragments(mixer, AudioFormat.toBytes(tone), (long) i * AudioFormat.FRAME_SAMPLES), mixSealer));
        }
        try (DatagramChannel stranger = DatagramChannel.open()) {
            stranger.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            for (byte[] d : video) {
                stranger.send(ByteBuffer.wrap(d), alice.videoPort());
            }
            for (byte[] d : audio) {
                stranger.send(ByteBuffer.wrap(d), alice.audioPort());
            }
        }
        long sent = video.size() + audio.size();
        LoopbackRelay.await("every stranger's datagram is counted",
                () -> alice.media.drops(DropCounts.FOREIGN_SOURCE) >= sent);
        assertEquals(sent, alice.media.drops(DropCounts.FOREIGN_SOURCE));
        // Each socket is read in order, so by now every forged datagram has been handled.
        assertFalse(alice.frames.stream().anyMatch(r -> Arrays.equals(forged, r.frame().data())),
                "the stranger's picture is never shown");
        assertEquals(0, alice.media.audioFramesReceived(), "nobody in the room talks; the forged mix is not played");
        assertTrue(alice.frames.stream().allMatch(r -> r.mediaId() == bob.mediaId() && r.image() != null));
    }

    @Test
    void h264VideoCarriesTheKeyframeFlagOnlyOnIdrsAndARequestedKeyframeIsTheNextFrame() throws Exception {
        String room = LoopbackRelay.room("keyframe");
        Member alice = new Member("alice", room);
        alice.awaitReady();
        Member bob = new Member("bob", room);
        bob.awaitReady();
        bob.media.startVideo(new TestPattern("bob", 15), 15);
        LoopbackRelay.await("bob's video reaches alice", () -> alice.framesFrom(bob).size() >= 5);
        assertEquals(Codec.H264, bob.media.videoCodec());
        long keyframesBefore = bob.media.videoKeyframesSent();
        int before = alice.framesFrom(bob).size();
        bob.media.requestKeyframe(MediaKind.VIDEO);
        LoopbackRelay.await("a keyframe follows the request", () -> bob.media.videoKeyframesSent() > keyframesBefore
                && alice.framesFrom(bob).stream().skip(before).anyMatch(r -> keyframe(r.frame())));
        for (Received r : alice.framesFrom(bob)) {
            byte[] data = r.frame().data();
            assertEquals(Codec.H264, r.frame().codec());
            assertEquals(AnnexB.isKeyframe(data, 0, data.length), keyframe(r.frame()),
                    "frame " + r.frame().frameId() + ": the flag is set exactly on IDRs with SPS and PPS");
            assertNotNull(r.image(), "frame " + r.frame().frameId() + " decodes");
            assertTrue(FrameCounterStrip.read(r.image()) >= 0);
        }
        assertEquals(0, alice.media.videoDecodeErrors());
        assertFalse(alice.media.videoNeedsKeyframe(bob.mediaId()));
    }

    private static boolean keyframe(Reassembler.Frame frame) {
        return (frame.flags() & MediaHeader.FLAG_KEYFRAME) != 0;
    }

    @Test
    void sentMediaIsSignedAndReachesThePeerUnchanged() throws Exception {
        String room = LoopbackRelay.room("sent");
        Member alice = new Member("alice", room, VideoEncoding.JPEG);
        Member bob = new Member("bob", room);
        alice.awaitReady();
        bob.awaitReady();
        List<short[]> bobHears = new CopyOnWriteArrayList<>();
        bob.media.addAudioSink((frame, origin) -> {
            if (origin == AudioSink.Origin.RECEIVED) {
                bobHears.add(frame.clone());
            }
        });

        alice.media.startAudio(new ToneSource(440));
        byte[] jpeg = new TestPattern("alice", 15).jpeg(3);
        // The relay forwards only datagrams that open with alice's key. The ack can come a
        // moment before the relay's fan-out knows bob's address, so send until one copy arrives.
        LoopbackRelay.await("alice's frame reaches bob", () -> {
            alice.media.sendVideoFrame(jpeg, 0, jpeg.length);
            return !bob.framesFrom(alice).isEmpty();
        });
        Reassembler.Frame video = bob.framesFrom(alice).get(0).frame();
        assertArrayEquals(jpeg, video.data(), "forwarded byte for byte");
        assertEquals(Codec.JPEG, video.codec());
        assertEquals(MediaHeader.FLAG_KEYFRAME, video.flags() & MediaHeader.FLAG_KEYFRAME);
        assertTrue(alice.media.videoFramesSent() >= 1);

        LoopbackRelay.await("bob hears alice", () -> bobHears.size() >= FRAMES_JUDGED);
        int clean = framesAtToneLevel(bobHears.subList(0, FRAMES_JUDGED), 440);
        assertTrue(clean >= FRAMES_JUDGED * 3 / 4, "alice's 440 Hz tone in " + clean + " of " + FRAMES_JUDGED + " frames bob heard");
        assertTrue(alice.media.audioFramesSent() >= FRAMES_JUDGED);
        assertEquals(0, alice.media.audioFramesReceived(), "nobody else talks, so alice gets no mix");
    }

    @Test
    void aFrameThatDoesNotDecodeIsCountedAndShowsNoPicture() throws Exception {
        String room = LoopbackRelay.room("garbage");
        Member alice = new Member("alice", room);
        Member bob = new Member("bob", room);
        bob.awaitReady();
        byte[] notAJpeg = {1, 2, 3, 4};
        LoopbackRelay.await("alice's frame reaches bob", () -> {
            alice.media.sendVideoFrame(notAJpeg, 0, notAJpeg.length);
            return !bob.framesFrom(alice).isEmpty();
        });
        Received received = bob.framesFrom(alice).get(0);
        assertArrayEquals(notAJpeg, received.frame().data());
        assertNull(received.image(), "garbage does not decode");
        LoopbackRelay.await("each frame received is counted as a decode error",
                () -> bob.media.videoDecodeErrors() == bob.framesFrom(alice).size());
        assertTrue(bob.media.videoDecodeErrors() >= 1);
    }

    @Test
    void theMixIsPlayedThroughTheJitterBufferEveryTick() throws Exception {
        String room = LoopbackRelay.room("mix");
        Member alice = new Member("alice", room);
        List<AudioSink.Origin> origins = new CopyOnWriteArrayList<>();
        List<short[]> played = new CopyOnWriteArrayList<>();
        alice.media.addAudioSink((frame, origin) -> {
            origins.add(origin);
            if (origin == AudioSink.Origin.RECEIVED) {
                played.add(frame.clone());
            }
        });
        LoopbackRelay.await("the clock plays silence while nobody talks", () -> !origins.isEmpty());
        assertEquals(AudioSink.Origin.SILENCE, origins.get(0));

        Member bob = new Member("bob", room);
        bob.media.startAudio(new ToneSource(600));
        LoopbackRelay.await("the mix reaches the sink", () -> played.size() >= FRAMES_JUDGED);
        int clean = framesAtToneLevel(played.subList(0, FRAMES_JUDGED), 600);
        assertTrue(clean >= FRAMES_JUDGED * 3 / 4, "bob's 600 Hz tone in " + clean + " of " + FRAMES_JUDGED + " frames played");
        assertTrue(alice.media.audioFramesReceived() >= FRAMES_JUDGED);
    }

    @Test
    void datagramsNoRelaySendsAreDroppedByReasonAndForgedOrTamperedOnesAreRefused() throws Exception {
        // The real relay never sends these; a bare socket standing at the relay's media endpoint does.
        byte[] key = MediaCipher.newKey();
        int mediaId = 5;
        try (DatagramSocket misbehavingRelay = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            misbehavingRelay.setSoTimeout((int) LoopbackRelay.WAIT.toMillis());
            InetSocketAddress endpoint = (InetSocketAddress) misbehavingRelay.getLocalSocketAddress();
            MediaSession session = new MediaSession(new MediaSession.Config(endpoint, endpoint, mediaId, key, true),
                    new MediaSession.Listener() { }, new ClientThreads("test", "alice"));
            try {
                session.start();
                InetSocketAddress video = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        session.videoLocalAddress().getPort());
                int hellos = 0;
                while (hellos < 2) {
                    DatagramPacket packet = new DatagramPacket(new byte[MediaHeader.MAX_DATAGRAM], MediaHeader.MAX_DATAGRAM);
                    misbehavingRelay.receive(packet);
                    ByteBuffer b = ByteBuffer.wrap(packet.getData(), 0, packet.getLength());
                    if (packet.getPort() == video.getPort() && MediaHeader.kind(b, 0) == MediaKind.HELLO) {
                        ByteBuffer opened = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
                        ByteBuffer copy = ByteBuffer.wrap(Arrays.copyOf(packet.getData(), packet.getLength()));
                        assertTrue(new MediaCipher(key).open(copy, copy.limit(), MediaCipher.VIDEO_CHANNEL,
                                MediaCipher.CLIENT_TO_RELAY, opened), "hello is sealed with the key, video, client to relay");
                        hellos++;
                    }
                }

                MediaSealer toVideo = new MediaSealer(key, MediaCipher.VIDEO_CHANNEL, MediaCipher.RELAY_TO_CLIENT);
                ByteBuffer ack = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
                Fragmenter.encodeSignal(ack, MediaKind.HELLO, mediaId, 0);
                List<byte[]> datagrams = new ArrayList<>();
                // forged: another key
                datagrams.addAll(sealed(List.of(Arrays.copyOf(ack.array(), ack.limit())),
                        new MediaSealer(MediaCipher.newKey(), MediaCipher.VIDEO_CHANNEL, MediaCipher.RELAY_TO_CLIENT)));
                // the right key, but sealed for the audio port, or in the client's own direction (reflected)
                datagrams.addAll(sealed(List.of(Arrays.copyOf(ack.array(), ack.limit())),
                        new MediaSealer(key, MediaCipher.AUDIO_CHANNEL, MediaCipher.RELAY_TO_CLIENT)));
                datagrams.addAll(sealed(List.of(Arrays.copyOf(ack.array(), ack.limit())),
                        new MediaSealer(key, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY)));
                // tampered: a real relay datagram with one payload bit flipped
                byte[] tampered = sealed(fragments(new Fragmenter(MediaKind.VIDEO, 9, Codec.JPEG), new byte[100], 0),
                        toVideo).get(0);
                tampered[MediaHeader.HEADER_LENGTH + 3] ^= 0x10;
                datagrams.add(tampered);
                datagrams.add(new byte[5]);
                List<byte[]> audioOnVideo = sealed(fragments(new Fragmenter(MediaKind.AUDIO, AudioPlayout.MIX_MEDIA_ID,
                        Codec.PCM16), new byte[AudioFormat.FRAME_BYTES], 0), toVideo);
                datagrams.addAll(audioOnVideo);
                datagrams.add(audioOnVideo.get(0)); // a replay
                for (byte[] d : datagrams) {
                    misbehavingRelay.send(new DatagramPacket(d, d.length, video));
                }
                LoopbackRelay.await("every datagram is counted", () ->
                        session.drops().values().stream().mapToLong(Long::longValue).sum() >= datagrams.size());
                assertEquals(4, session.drops(DropReason.BAD_TAG.label()),
                        "forged, for the audio port, reflected, and tampered: none opens");
                assertEquals(1, session.drops(DropReason.TOO_SHORT.label()));
                assertEquals(2, session.drops(DropReason.WRONG_PORT.label()), "audio on the video socket");
                assertEquals(1, session.drops(DropReason.REPLAYED.label()), "the same datagram twice");
                assertFalse(session.ready(), "nothing that failed to open acknowledges anything");

                // A challenge that opens is answered from the same socket with its cookie.
                ByteBuffer challenge = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
                Fragmenter.encodeCookie(challenge, MediaKind.CHALLENGE, mediaId, 0, 0x1122_3344_5566_7788L);
                byte[] c = sealed(List.of(Arrays.copyOf(challenge.array(), challenge.limit())), toVideo).get(0);
                misbehavingRelay.send(new DatagramPacket(c, c.length, video));
                long cookie = 0;
                while (cookie == 0) {
                    DatagramPacket packet = new DatagramPacket(new byte[MediaHeader.MAX_DATAGRAM], MediaHeader.MAX_DATAGRAM);
                    misbehavingRelay.receive(packet);
                    ByteBuffer copy = ByteBuffer.wrap(Arrays.copyOf(packet.getData(), packet.getLength()));
                    ByteBuffer opened = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
                    if (packet.getPort() == video.getPort() && MediaHeader.kind(copy, 0) == MediaKind.RESPONSE) {
                        assertTrue(new MediaCipher(key).open(copy, copy.limit(), MediaCipher.VIDEO_CHANNEL,
                                MediaCipher.CLIENT_TO_RELAY, opened));
                        cookie = Fragmenter.cookie(opened);
                    }
                }
                assertEquals(0x1122_3344_5566_7788L, cookie, "the response carries the challenge's cookie");
            } finally {
                session.close();
            }
        }
    }
}
