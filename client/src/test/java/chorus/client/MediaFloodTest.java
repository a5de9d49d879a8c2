package chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.bot.BotStats;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.media.DropReason;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One participant floods the video port at ten times its rate limit while three honest bots (real
 * bots, real relay, loopback) send their camera video to each other: the honest bots keep their
 * video, the flooder's excess is dropped and counted, and the flooder is told over its control
 * connection, which stays open. Before the limit (issue 12) one sender at 31,500 datagrams/s took
 * its room's delivery from 96% to 43%.
 */
class MediaFloodTest {
    /** The video limit of this relay: above a bot's camera (15 fps of about 14 KB, ~0.22 MB/s), far below a flood. */
    private static final long VIDEO_LIMIT = 400_000;
    private static final long FLOOD_BYTES_PER_SECOND = 10 * VIDEO_LIMIT;
    private static final int FLOOD_FRAME_BYTES = 40_000;
    private static final long FLOOD_NANOS = 6_000_000_000L;
    private static RelayNode relay;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay.limits.media { video-bytes-per-second = " + VIDEO_LIMIT + ", video-burst-bytes = 200000 }"));
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    @Test
    void honestBotsKeepTheirVideoWhileOneParticipantFloodsAtTenTimesItsLimit() throws Exception {
        String room = LoopbackRelay.room("flood");
        List<Bot> honest = new ArrayList<>();
        try (Bot flooder = Bot.start(BotOptions.of(LoopbackRelay.address(relay), "flooder", room)
                .withVideo(false).withSilence())) {
            for (String name : List.of("ann", "ben", "cat")) {
                honest.add(Bot.start(BotOptions.of(LoopbackRelay.address(relay), name, room)));
            }
            LoopbackRelay.await("every honest bot sees every other's video", () -> honest.stream().allMatch(b ->
                    honest.stream().filter(o -> o != b).allMatch(o -> b.snapshot().receivedFrom(o.snapshot().name()) > 0)));
            LoopbackRelay.await("the flooder's media is ready", () -> flooder.snapshot().mediaReady());

            List<BotStats> before = honest.stream().map(Bot::snapshot).toList();
            long droppedBefore = relay.stats().drops(DropReason.RATE_LIMITED);
            byte[] frame = new byte[FLOOD_FRAME_BYTES];
            long periodNanos = 1_000_000_000L * FLOOD_FRAME_BYTES / FLOOD_BYTES_PER_SECOND;
            long start = System.nanoTime();
            long frames = 0;
            for (long next = start; next - start < FLOOD_NANOS; next += periodNanos) {
                LockSupport.parkNanos(next - System.nanoTime());
                flooder.client().media().sendVideoFrame(frame, 0, frame.length);
                frames++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<BotStats> after = honest.stream().map(Bot::snapshot).toList();

            double floodRate = frames * (double) FLOOD_FRAME_BYTES / seconds;
            assertTrue(floodRate >= 8 * VIDEO_LIMIT, "flooded at " + floodRate / VIDEO_LIMIT + "x the limit");
            // Judged once what was sent has had time to arrive (a busy machine decodes late, it does not lose).
            for (int r = 0; r < honest.size(); r++) {
                for (int s = 0; s < honest.size(); s++) {
                    if (r == s) {
                        continue;
                    }
                    Bot receiver = honest.get(r);
                    String sender = after.get(s).name();
                    long sent = after.get(s).framesSent() - before.get(s).framesSent();
                    long had = before.get(r).receivedFrom(sender);
                    LoopbackRelay.await(receiver.snapshot().name() + " gets 95% of the " + sent + " frames " + sender
                            + " sent during the flood", () -> receiver.snapshot().receivedFrom(sender) - had >= sent * 0.95);
                }
            }
            long dropped = relay.stats().drops(DropReason.RATE_LIMITED) - droppedBefore;
            assertTrue(dropped > 0, "the excess is dropped and counted as rate-limited");
            LoopbackRelay.await("the flooder is told", () ->
                    flooder.snapshot().relayErrorCodes().contains(ErrorCode.RATE_LIMITED.wire()));
            long told = flooder.snapshot().relayErrorCodes().stream()
                    .filter(ErrorCode.RATE_LIMITED.wire()::equals).count();
            assertTrue(told <= Math.ceil(seconds) + 1, "told at most once a second: " + told + " in " + seconds + " s");
            assertEquals(List.of("flooder", "ann", "ben", "cat"), flooder.snapshot().roster(),
                    "being told does not end the flooder's connection");
            Map<String, Long> honestDrops = honest.get(0).snapshot().drops();
            assertEquals(0L, honestDrops.getOrDefault("bad-tag", 0L), "nothing the relay sent failed to open: " + honestDrops);
        } finally {
            for (Bot b : honest) {
                b.close();
            }
        }
    }
}
