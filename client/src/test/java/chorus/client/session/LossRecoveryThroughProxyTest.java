package chorus.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.LoopbackRelay;
import chorus.client.impairment.ImpairedEndpoints;
import chorus.client.impairment.Impairment;
import chorus.client.impairment.ImpairmentProxy;
import chorus.client.media.DropCounts;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Reassembler;
import chorus.relay.RelayNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Video loss recovery end to end: a sender straight to a real relay, receivers behind impairment
 * proxies that lose 5% of what the relay sends them, one asking for what it lost (NACKs) and one not.
 */
class LossRecoveryThroughProxyTest {
    /** Frames judged; a few more follow so that the last judged frame's losses are seen as gaps. */
    private static final int FRAMES = 100;
    private static final int TRAILING = 12;
    /** About 5 datagrams a frame: 23% of frames lose one at 5% loss. */
    private static final int FRAME_BYTES = 5800;
    private static final long SEED = 2026;
    private static RelayNode relay;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void startRelay() throws IOException {
        relay = LoopbackRelay.start();
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** A participant whose media goes through {@code down}-impaired proxies (or straight, when null). */
    private final class Member {
        final ControlConnection control;
        final MediaSession media;
        final Set<Long> framesFromSender = ConcurrentHashMap.newKeySet();
        final Set<Long> keyframesFromSender = ConcurrentHashMap.newKeySet();
        final CountDownLatch ready = new CountDownLatch(1);
        ImpairmentProxy videoProxy;

        Member(String name, String room, Impairment down, boolean lossRecovery, int[] senderId) throws IOException {
            this(name, room, down, lossRecovery, senderId, Impairment.NONE);
        }

        Member(String name, String room, Impairment down, boolean lossRecovery, int[] senderId, Impairment up)
                throws IOException {
            control = ControlConnection.open(LoopbackRelay.address(relay),
                    new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, name, room, "chorus-test/0"),
                    LoopbackRelay.WAIT);
            open.add(control::close);
            control.start(new ControlConnection.Listener() {
                @Override
                public void onMessage(ControlMessage message) {
                }

                @Override
                public void onClosed(String reason, boolean requested) {
                }
            }, new ClientThreads(room, name).named("control"));
            MediaSession.Config direct = ChorusClient.mediaConfig(control.welcome(), control.remoteAddress(), false);
            MediaSession.Config config = direct;
            if (down != null) {
                videoProxy = ImpairmentProxy.start(direct.videoEndpoint(), up, down);
                ImpairmentProxy audioProxy = ImpairmentProxy.start(direct.audioEndpoint(), up, down);
                open.add(videoProxy);
                open.add(audioProxy);
                config = new MediaSession.Config(videoProxy.address(), audioProxy.address(), direct.mediaId(),
                        direct.key(), false, direct.videoEncoding(), lossRecovery);
            }
            media = new MediaSession(config, new MediaSession.Listener() {
                @Override
                public void onVideoFrame(int mediaId, Reassembler.Frame frame, BufferedImage image) {
                    if (mediaId == senderId[0]) {
                        framesFromSender.add(frame.frameId());
                        if ((frame.flags() & MediaHeader.FLAG_KEYFRAME) != 0) {
                            keyframesFromSender.add(frame.frameId());
                        }
                    }
                }

                @Override
                public void onMediaReady() {
                    ready.countDown();
                }
            }, new ClientThreads(room, name));
            open.add(media::close);
            media.start();
        }

        void awaitReady() throws InterruptedException {
            assertTrue(ready.await(LoopbackRelay.WAIT.toMillis(), TimeUnit.MILLISECONDS), "relay acknowledged both hellos");
        }

        long judgedFrames() {
            return framesFromSender.stream().filter(id -> id < FRAMES).count();
        }
    }

    /**
     * Sends {@code limit} numbered frames of {@link #FRAME_BYTES} from {@code media} at {@code fps},
     * as they are (codec-blind: loss recovery does not look inside frames).
     */
    private void sendFrames(MediaSession media, int limit, int fps) {
        java.util.concurrent.ScheduledExecutorService clock = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        open.add(clock::shutdownNow);
        byte[] frame = new byte[FRAME_BYTES];
        AtomicInteger made = new AtomicInteger();
        clock.scheduleAtFixedRate(() -> {
            int n = made.getAndIncrement();
            if (n < limit) {
                for (int i = 0; i < FRAME_BYTES; i++) {
                    frame[i] = (byte) (n * 7 + i);
                }
                media.sendVideoFrame(frame, 0, frame.length);
            }
        }, 0, 1000 / fps, TimeUnit.MILLISECONDS);
    }

    @Test
    void atFivePercentLossNacksCompleteEveryFrameTheRelayForwardedAndMoreThanWithout() throws Exception {
        String room = LoopbackRelay.room("nack");
        int[] adaId = {-1};
        Member ada = new Member("Ada", room, null, true, adaId);
        adaId[0] = ada.control.welcome().mediaId();
        Impairment lossy = Impairment.loss(0.05, SEED);
        Member bob = new Member("Bob", room, lossy, true, adaId);
        Member cy = new Member("Cy", room, lossy, false, adaId);
        for (Member m : List.of(ada, bob, cy)) {
            m.awaitReady();
        }

        sendFrames(ada.media, FRAMES + TRAILING, 25);

        LoopbackRelay.await("Bob, asking for what he lost, completes all " + FRAMES + " frames",
                () -> bob.judgedFrames() == FRAMES);
        // The relay forwards in order and Cy's proxy passes at once: a later frame seen means the judged ones are over.
        LoopbackRelay.await("Cy sees a trailing frame",
                () -> cy.framesFromSender.stream().anyMatch(id -> id >= FRAMES + 2));
        long cyFrames = cy.judgedFrames();

        assertTrue(bob.videoProxy.lostToClients() > 0 && cy.videoProxy.lostToClients() > 0, "both paths lost datagrams");
        assertTrue(cyFrames < FRAMES, "without NACKs, frames are lost: " + cyFrames + " of " + FRAMES);
        assertTrue(bob.judgedFrames() > cyFrames, "with NACKs more frames are complete than without");
        assertTrue(bob.media.nacksSent() > 0, "Bob sent NACKs");
        assertTrue(bob.media.retransmissionsReceived() > 0, "and received what he asked for again");
        assertEquals(0, cy.media.nacksSent(), "Cy asks for nothing");
        assertEquals(0, ada.media.nacksSent(), "the sender, straight to the relay, lost nothing");
    }

    @Test
    void aNewcomerMakesTheRelayAskTheSendersClientForAKeyframe() throws Exception {
        String room = LoopbackRelay.room("keyframe");
        int[] adaId = {-1};
        Member ada = new Member("Ada", room, null, true, adaId);
        adaId[0] = ada.control.welcome().mediaId();
        ada.awaitReady();
        sendFrames(ada.media, Integer.MAX_VALUE, 10);
        LoopbackRelay.await("Ada is sending", () -> ada.media.videoFramesSent() > 0);
        assertEquals(0, ada.media.keyframeRequestsReceived());

        Member bob = new Member("Bob", room, Impairment.NONE, true, adaId);
        bob.awaitReady();

        LoopbackRelay.await("the relay asks Ada for a keyframe for the newcomer",
                () -> ada.media.keyframeRequestsReceived() == 1);
        LoopbackRelay.await("Bob gets Ada's picture", () -> !bob.framesFromSender.isEmpty());
        assertEquals(0, bob.media.keyframeRequestsReceived(), "Bob sends no video: nobody asks him");
    }

    @Test
    void aClientJoinsThroughImpairedEndpointsAndRecoversWhatTheyLose() throws Exception {
        String room = LoopbackRelay.room("client");
        ClientOptions options = ClientOptions.of(LoopbackRelay.address(relay), "Ada", room).withDecodeVideo(false);
        ChorusClient ada = ChorusClient.connect(options, null);
        open.add(ada);
        List<ImpairedEndpoints> proxies = ImpairedEndpoints.list();
        ChorusClient bob = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "Bob", room)
                .withDecodeVideo(false), null, new RoomState(),
                ImpairedEndpoints.through(Impairment.NONE, Impairment.loss(0.05, SEED), proxies));
        open.add(bob);
        proxies.forEach(open::add);
        assertEquals(1, proxies.size());
        LoopbackRelay.await("both media sessions ready", () -> ada.media().ready() && bob.media().ready());

        sendFrames(ada.media(), FRAMES + TRAILING, 25);
        int adaId = ada.welcome().mediaId();
        LoopbackRelay.await("Bob completes " + FRAMES + " of Ada's frames through the lossy proxy",
                () -> bob.media().videoFramesByMediaId().getOrDefault(adaId, 0L) >= FRAMES);
        assertTrue(proxies.get(0).video().lostToClients() > 0, "the proxy lost some of what the relay sent Bob");
        assertTrue(proxies.get(0).video().passedToRelay() > 0, "Bob's hello and NACKs went through it too");
        VideoRecovery recovery = bob.snapshot().videoRecovery();
        assertTrue(recovery.nacksSent() > 0 && recovery.retransmissionsReceived() > 0, recovery.toString());
    }

    /**
     * A sender of predicted video (as H.264 sends it) on a bare video socket: a keyframe first and
     * whenever the relay asks for one, otherwise frames flagged as needing the ones before. It can
     * leave out a fragment of one frame, as if the network had lost it before the relay.
     */
    private final class PredictedSender {
        final ControlConnection control;
        final MediaSocket socket;
        final MediaSignalling signal;
        final Fragmenter fragmenter;
        final java.util.concurrent.atomic.AtomicBoolean keyframeAsked = new java.util.concurrent.atomic.AtomicBoolean(true);
        final AtomicInteger requests = new AtomicInteger();
        final java.util.concurrent.ScheduledExecutorService clock;
        final byte[] frame = new byte[3000];
        volatile long frameToCut = -1;
        volatile long framesSent;

        PredictedSender(String name, String room) throws IOException {
            control = ControlConnection.open(LoopbackRelay.address(relay),
                    new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, name, room, "chorus-test/0"),
                    LoopbackRelay.WAIT);
            open.add(control::close);
            control.start(new ControlConnection.Listener() {
                @Override
                public void onMessage(ControlMessage message) {
                }

                @Override
                public void onClosed(String reason, boolean requested) {
                }
            }, new ClientThreads(room, name).named("control"));
            MediaSession.Config direct = ChorusClient.mediaConfig(control.welcome(), control.remoteAddress(), false);
            DropCounts drops = new DropCounts();
            socket = MediaSocket.open("video", direct.videoEndpoint(), new java.util.concurrent.atomic.AtomicLong(),
                    direct.key(), MediaCipher.VIDEO_CHANNEL, drops);
            open.add(socket::close);
            signal = new MediaSignalling("video", direct.videoEndpoint(), direct.mediaId(), socket::send, drops,
                    () -> { }, problem -> { });
            socket.startReceiving(new ClientThreads(room, name).named("video-rx"), (clear, length, from) -> {
                MediaKind kind = MediaHeader.kind(clear, 0);
                if (kind == MediaKind.HELLO) {
                    signal.onAck();
                } else if (kind == MediaKind.CHALLENGE) {
                    signal.onChallenge(clear);
                } else if (kind == MediaKind.KEYFRAME_REQUEST) {
                    requests.incrementAndGet();
                    keyframeAsked.set(true);
                }
            }, e -> { });
            fragmenter = new Fragmenter(MediaKind.VIDEO, direct.mediaId(), Codec.H264);
            clock = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    new ClientThreads(room, name).named("video-clock"));
            open.add(clock::shutdownNow);
        }

        int mediaId() {
            return control.welcome().mediaId();
        }

        void start() throws InterruptedException {
            LoopbackRelay.await("the relay acknowledges the sender's hello", () -> {
                signal.tick();
                return signal.acked();
            });
            clock.scheduleAtFixedRate(this::sendFrame, 0, 20, TimeUnit.MILLISECONDS);
        }

        private void sendFrame() {
            boolean keyframe = keyframeAsked.getAndSet(false);
            long id = fragmenter.framesSent();
            int[] index = {0};
            fragmenter.send(frame, 0, frame.length, id * 3000, keyframe ? MediaHeader.FLAG_KEYFRAME : 0, d -> {
                if (id != frameToCut || index[0]++ != 1) {
                    socket.send(d);
                }
            });
            framesSent = id + 1;
        }
    }

    @Test
    void aReceiverThatJoinsMidStreamOrLosesAFrameGetsAKeyframe() throws Exception {
        String room = LoopbackRelay.room("keyframes");
        PredictedSender ada = new PredictedSender("Ada", room);
        int[] adaId = {ada.mediaId()};
        ada.start();
        LoopbackRelay.await("Ada's first keyframe is long gone", () -> ada.framesSent > 10);

        Member bob = new Member("Bob", room, null, true, adaId);
        bob.awaitReady();
        LoopbackRelay.await("Bob, joined mid-stream, gets a keyframe", () -> !bob.keyframesFromSender.isEmpty());
        assertTrue(ada.requests.get() >= 1, "the relay asked Ada for it");

        long keyframesBefore = bob.keyframesFromSender.size();
        long requestsBefore = bob.media.keyframeRequestsSent();
        long cut = ada.framesSent + 5;
        ada.frameToCut = cut;
        LoopbackRelay.await("after a frame Bob cannot complete, a keyframe follows",
                () -> bob.keyframesFromSender.stream().anyMatch(id -> id > cut));
        assertTrue(!bob.framesFromSender.contains(cut), "the cut frame was never complete");
        assertTrue(bob.media.keyframeRequestsSent() > requestsBefore, "Bob asked for it");
        assertTrue(bob.keyframesFromSender.size() > keyframesBefore);
    }

    @Test
    void atFivePercentLossOnEveryPathTheSendersLossesAreRecoveredToo() throws Exception {
        Impairment lossy = Impairment.loss(0.05, SEED);
        Impairment lossyToo = Impairment.loss(0.05, SEED + 1);
        // Two rooms on the same seeded loss: one where everyone recovers, one where nobody does.
        String recovering = LoopbackRelay.room("every-path");
        String plain = LoopbackRelay.room("every-path-plain");
        int[] adaId = {-1};
        int[] ameId = {-1};
        Member ada = new Member("Ada", recovering, lossy, true, adaId, lossyToo);
        adaId[0] = ada.control.welcome().mediaId();
        Member bob = new Member("Bob", recovering, lossy, true, adaId, lossyToo);
        Member ame = new Member("Ame", plain, lossy, false, ameId, lossyToo);
        ameId[0] = ame.control.welcome().mediaId();
        Member cy = new Member("Cy", plain, lossy, false, ameId, lossyToo);
        for (Member m : List.of(ada, bob, ame, cy)) {
            m.awaitReady();
        }

        sendFrames(ada.media, FRAMES + TRAILING, 25);
        sendFrames(ame.media, FRAMES + TRAILING, 25);
        LoopbackRelay.await("both senders are done", () -> ada.media.videoFramesSent() == FRAMES + TRAILING
                && ame.media.videoFramesSent() == FRAMES + TRAILING);
        LoopbackRelay.await("Bob completes nearly all frames",
                () -> bob.judgedFrames() >= FRAMES * 95 / 100);
        LoopbackRelay.await("Cy sees a trailing frame", () -> cy.framesFromSender.stream().anyMatch(id -> id >= FRAMES + 2));
        long cyFrames = cy.judgedFrames();

        String shares = "with NACK " + bob.judgedFrames() + "%, without " + cyFrames + "%";
        assertTrue(ada.media.retransmissionsSent() > 0, "the relay asked Ada for what her path lost: " + shares);
        assertEquals(0, ame.media.retransmissionsSent(), "Ame does not keep what she sent");
        assertTrue(bob.judgedFrames() > cyFrames, shares);
        assertTrue(cyFrames < FRAMES * 9 / 10, "loss on both legs costs a plain receiver frames: " + shares);
    }

    @Test
    void h264ThroughFivePercentLossDecodesMoreOfTheRightPicturesWithRecoveryThanWithout() throws Exception {
        String room = LoopbackRelay.room("h264");
        ChorusClient ada = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "Ada", room), null);
        open.add(ada);
        Impairment lossy = Impairment.loss(0.05, SEED);
        List<ImpairedEndpoints> proxies = ImpairedEndpoints.list();
        ChorusClient bob = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "Bob", room), null,
                new RoomState(), ImpairedEndpoints.through(Impairment.NONE, lossy, proxies));
        open.add(bob);
        java.util.function.UnaryOperator<MediaSession.Config> throughProxies =
                ImpairedEndpoints.through(Impairment.NONE, lossy, proxies);
        ChorusClient cy = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "Cy", room), null,
                new RoomState(), direct -> throughProxies.apply(new MediaSession.Config(direct.videoEndpoint(),
                        direct.audioEndpoint(), direct.mediaId(), direct.key(), direct.decodeVideo(),
                        direct.videoEncoding(), false)));
        open.add(cy);
        proxies.forEach(open::add);
        LoopbackRelay.await("media ready", () -> ada.media().ready() && bob.media().ready() && cy.media().ready());

        ada.startVideo(new chorus.client.media.TestPattern("Ada", 25), 25);
        LoopbackRelay.await("Ada sent " + FRAMES + " frames", () -> ada.media().videoFramesSent() >= FRAMES);
        ada.stopVideo();
        long sent = ada.media().videoFramesSent();
        LoopbackRelay.await("Bob reads back nearly all of Ada's pictures",
                () -> bob.snapshot().videoFramesReadBackFrom().getOrDefault("Ada", 0L) >= sent * 9 / 10);
        long bobRead = bob.snapshot().videoFramesReadBackFrom().getOrDefault("Ada", 0L);
        long cyRead = cy.snapshot().videoFramesReadBackFrom().getOrDefault("Ada", 0L);
        String shares = "of " + sent + " H.264 frames, read back with recovery " + bobRead + ", without " + cyRead;
        assertTrue(proxies.get(1).video().lostToClients() > 0, "Cy's path lost datagrams too: " + shares);
        assertTrue(bobRead > cyRead, shares);
        assertTrue(bob.snapshot().videoRecovery().nacksSent() > 0, shares);
    }
}
