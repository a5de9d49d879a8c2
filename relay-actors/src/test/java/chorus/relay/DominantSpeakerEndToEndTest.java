package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.AudioLevel;
import chorus.protocol.audio.Tones;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaKind;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dominant speaker through a real relay: two raw clients send sealed PCM audio over UDP on a
 * 20 ms clock, and every member reads the relay's dominant-speaker messages on its control
 * connection. The relay's own level reports (every 5 mixer ticks) count its ticks, so "not on a
 * single loud frame" is judged over a known number of ticks, not a wait.
 */
class DominantSpeakerEndToEndTest {
    private static RelayNode relay;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayNode.startOnLoopback(ConfigFactory.empty());
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    /** What talker B sends each tick; talker A always speaks at 0.1 of full scale (-23 dBov). */
    private enum Voice {
        SILENT, ONE_LOUD_FRAME, LOUD
    }

    /** Sends A's and B's frames every 20 ms until closed, at most a minute of them. */
    private static final class Talkers implements AutoCloseable {
        final AtomicReference<Voice> b = new AtomicReference<>(Voice.SILENT);
        private final Thread thread;
        private volatile boolean running = true;

        Talkers(RawClient a, RawClient bClient) {
            Fragmenter fromA = new Fragmenter(MediaKind.AUDIO, a.welcome.mediaId(), Codec.PCM16);
            Fragmenter fromB = new Fragmenter(MediaKind.AUDIO, bClient.welcome.mediaId(), Codec.PCM16);
            short[] silence = new short[AudioFormat.FRAME_SAMPLES];
            thread = new Thread(() -> {
                long start = System.nanoTime();
                for (int f = 0; f < 3000 && running; f++) {
                    long at = (long) f * AudioFormat.FRAME_SAMPLES;
                    send(fromA, Tones.sine(440, 0.1, at, AudioFormat.FRAME_SAMPLES), at, a);
                    Voice voice = b.get();
                    if (voice == Voice.ONE_LOUD_FRAME) {
                        b.set(Voice.SILENT);
                    }
                    send(fromB, switch (voice) {
                        case SILENT -> silence;
                        case ONE_LOUD_FRAME -> Tones.sine(660, 0.9, at, AudioFormat.FRAME_SAMPLES);
                        case LOUD -> Tones.sine(660, 0.5, at, AudioFormat.FRAME_SAMPLES);
                    }, at, bClient);
                    LockSupport.parkNanos(start + (f + 1) * 20_000_000L - System.nanoTime()); // a sender's clock
                }
            }, "talkers");
            thread.start();
        }

        private static void send(Fragmenter f, short[] samples, long timestamp, RawClient from) {
            byte[] pcm = AudioFormat.toBytes(samples);
            f.send(pcm, 0, pcm.length, timestamp, 0, AudioLevel.of(samples, samples.length), from::sendAudioDatagram);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    /** The next dominant-speaker message, the level reports before it passed over. */
    private static ControlMessage.DominantSpeaker nextDominantSpeaker(RawClient c) throws Exception {
        for (int i = 0; i < 200; i++) {
            ControlMessage m = c.read();
            if (m instanceof ControlMessage.DominantSpeaker d) {
                return d;
            }
        }
        return fail("no dominant-speaker message among 200 (20 s of level reports)");
    }

    /**
     * Reads {@code c}'s messages up to the level report that has {@code mediaId} in it, then
     * {@code reports} more: {@code reports} x 5 mixer ticks later. No dominant-speaker message may
     * come meanwhile.
     */
    private static void noChangeUntilReportsAfter(RawClient c, int mediaId, int reports) throws Exception {
        boolean heard = false;
        int after = 0;
        for (int i = 0; i < 1000 && after < reports; i++) {
            ControlMessage m = c.read();
            if (m instanceof ControlMessage.DominantSpeaker d) {
                fail("the dominant speaker changed: " + d);
            } else if (m instanceof ControlMessage.AudioLevels levels) {
                if (heard) {
                    after++;
                } else {
                    heard = levels.levels().stream().anyMatch(l -> l.mediaId() == mediaId);
                }
            }
        }
        assertTrue(heard && after == reports, "the relay heard the loud frame and went on");
    }

    /** Waits until the relay forwards {@code receiver} the camera of {@code shown} and not that of {@code hidden}. */
    private static void awaitLastNIs(RawClient shown, RawClient hidden, RawClient receiver) throws InterruptedException {
        int me = receiver.welcome.mediaId();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!(relay.gateway().receiversOf(shown.welcome.mediaId()).contains(me)
                && !relay.gateway().receiversOf(hidden.welcome.mediaId()).contains(me))) {
            assertTrue(System.nanoTime() < deadline, "last-N of 1 shows " + shown.welcome.participantId() + " alone");
            Thread.sleep(10);
        }
    }

    @Test
    void theDominantSpeakerChangesWhenAnotherTalksLouderNotOnOneLoudFrame() throws Exception {
        String room = "speaker-" + System.nanoTime();
        try (RawClient a = RawClient.join(relay, room, "ada");
             RawClient b = RawClient.join(relay, room, "bob");
             RawClient listener = RawClient.join(relay, room, "cy")) {
            List<RawClient> everyone = List.of(a, b, listener);
            for (RawClient c : everyone) {
                c.openMedia();
            }
            String ada = a.welcome.participantId();
            String bob = b.welcome.participantId();
            // Cy shows one tile, the dominant speaker's: before anyone speaks, the first other in room order.
            listener.send(new ControlMessage.Subscribe(List.of(), new ControlMessage.LastN(1, 0)));
            awaitLastNIs(a, b, listener);
            try (Talkers talkers = new Talkers(a, b)) {
                for (RawClient c : everyone) {
                    assertEquals(new ControlMessage.DominantSpeaker(ada, List.of(ada)), nextDominantSpeaker(c),
                            "Ada talks: everyone is told she is the dominant speaker");
                }

                talkers.b.set(Voice.ONE_LOUD_FRAME); // 19 dB louder than Ada, once
                for (RawClient c : everyone) {
                    // 20 reports: 100 ticks (2 s), more than the window and the switch time together
                    noChangeUntilReportsAfter(c, b.welcome.mediaId(), 20);
                }

                talkers.b.set(Voice.LOUD); // 14 dB louder than Ada, from now on
                for (RawClient c : everyone) {
                    assertEquals(new ControlMessage.DominantSpeaker(bob, List.of(bob, ada)), nextDominantSpeaker(c),
                            "Bob talks louder for a while: everyone is told, Ada next in the recent speakers");
                }
                awaitLastNIs(b, a, listener); // last-N follows the dominant speaker
                try (RawClient late = RawClient.join(relay, room, "dee")) {
                    assertEquals(new ControlMessage.DominantSpeaker(bob, List.of(bob, ada)), nextDominantSpeaker(late),
                            "one who joins now is told who speaks, without waiting for a change");
                }
            }
        }
    }
}
