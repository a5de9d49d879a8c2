package chorus.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.LoopbackRelay;
import chorus.client.impairment.ImpairedEndpoints;
import chorus.client.impairment.Impairment;
import chorus.client.impairment.ImpairmentProxy;
import chorus.protocol.control.ControlMessage;
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
        final CountDownLatch ready = new CountDownLatch(1);
        ImpairmentProxy videoProxy;

        Member(String name, String room, Impairment down, boolean lossRecovery, int[] senderId) throws IOException {
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
                videoProxy = ImpairmentProxy.start(direct.videoEndpoint(), Impairment.NONE, down);
                ImpairmentProxy audioProxy = ImpairmentProxy.start(direct.audioEndpoint(), Impairment.NONE, down);
                open.add(videoProxy);
                open.add(audioProxy);
                config = new MediaSession.Config(videoProxy.address(), audioProxy.address(), direct.mediaId(),
                        direct.key(), false, lossRecovery);
            }
            media = new MediaSession(config, new MediaSession.Listener() {
                @Override
                public void onVideoFrame(int mediaId, Reassembler.Frame frame, BufferedImage image) {
                    if (mediaId == senderId[0]) {
                        framesFromSender.add(frame.frameId());
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

    /** Numbered frames of {@link #FRAME_BYTES}, then nothing once {@code limit} are out. */
    private static final class CountingSource implements chorus.client.media.VideoSource {
        private final ByteBuffer frame = ByteBuffer.allocate(FRAME_BYTES);
        private final AtomicInteger made = new AtomicInteger();
        private final int limit;

        CountingSource(int limit) {
            this.limit = limit;
        }

        @Override
        public ByteBuffer nextFrame() {
            int n = made.getAndIncrement();
            if (n >= limit) {
                return null;
            }
            for (int i = 0; i < FRAME_BYTES; i++) {
                frame.put(i, (byte) (n * 7 + i));
            }
            return frame.clear();
        }
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

        ada.media.startVideo(new CountingSource(FRAMES + TRAILING), 25);

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
        ada.media.startVideo(new CountingSource(Integer.MAX_VALUE), 10);
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

        ada.startVideo(new CountingSource(FRAMES + TRAILING), 25);
        int adaId = ada.welcome().mediaId();
        LoopbackRelay.await("Bob completes " + FRAMES + " of Ada's frames through the lossy proxy",
                () -> bob.media().videoFramesByMediaId().getOrDefault(adaId, 0L) >= FRAMES);
        assertTrue(proxies.get(0).video().lostToClients() > 0, "the proxy lost some of what the relay sent Bob");
        assertTrue(proxies.get(0).video().passedToRelay() > 0, "Bob's hello and NACKs went through it too");
        VideoRecovery recovery = bob.snapshot().videoRecovery();
        assertTrue(recovery.nacksSent() > 0 && recovery.retransmissionsReceived() > 0, recovery.toString());
    }
}
