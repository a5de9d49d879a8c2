package chorus.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.LoopbackRelay;
import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.bot.BotStats;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.relay.RelayNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A client in a room of bots on a real relay on loopback. */
class ChorusClientTest {

    @Test
    void rosterFollowsJoinsAndLeavesAndFramesStayAttributedToWhoSentThem() throws Exception {
        BlockingQueue<List<String>> rosters = new LinkedBlockingQueue<>();
        BlockingQueue<String> departures = new LinkedBlockingQueue<>();
        BlockingQueue<VideoFrame> frames = new LinkedBlockingQueue<>();
        AtomicLong undecoded = new AtomicLong();
        Set<Integer> pictured = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CountDownLatch lost = new CountDownLatch(1);
        ClientListener listener = new ClientListener() {
            @Override
            public void onRosterChanged(List<ParticipantInfo> roster) {
                rosters.add(roster.stream().map(ParticipantInfo::name).toList());
            }

            @Override
            public void onParticipantLeft(ParticipantInfo participant, String reason) {
                departures.add(participant.name() + " " + reason);
            }

            @Override
            public void onVideoFrame(VideoFrame frame) {
                // H.264 from someone already sending decodes from their next keyframe on
                if (frame.image() != null) {
                    pictured.add(frame.mediaId());
                } else if (pictured.contains(frame.mediaId())) {
                    undecoded.incrementAndGet();
                }
                frames.add(frame);
            }

            @Override
            public void onConnectionLost(String reason) {
                lost.countDown();
            }
        };
        String room = LoopbackRelay.room("lobby");
        RelayNode relay = LoopbackRelay.start();
        try (Bot bob = Bot.start(BotOptions.of(LoopbackRelay.address(relay), "bob", room).withTone(600)
                // one layer: the relay forwards every layer until subscriptions, and a picture per frame is asserted
                .withLayers(1));
             ChorusClient alice = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "alice", room), listener)) {
            assertEquals(List.of("bob", "alice"), alice.snapshot().rosterNames());
            assertEquals("alice", alice.self().name());
            int bobsId = alice.roster().get(0).mediaId();

            LoopbackRelay.await("bob's frames arrive", () -> countFrom("bob", frames) >= 5);

            try (Bot carol = Bot.start(BotOptions.of(LoopbackRelay.address(relay), "carol", room).withSilence()
                    .withLayers(1))) {
                assertEquals(List.of("bob", "alice", "carol"), rosters.poll(5, TimeUnit.SECONDS));
                int carolsId = alice.roster().get(2).mediaId();
                LoopbackRelay.await("carol's frames arrive", () -> countFrom("carol", frames) >= 5);

                bob.stop();
                assertEquals(List.of("alice", "carol"), rosters.poll(5, TimeUnit.SECONDS));
                assertEquals("bob leave", departures.poll(5, TimeUnit.SECONDS));

                Map<Integer, String> senders = Map.of(bobsId, "bob", carolsId, "carol");
                for (VideoFrame frame : frames) {
                    assertEquals(senders.get(frame.mediaId()), frame.from(), "frame " + frame.frameId() + " of media id " + frame.mediaId());
                }
                assertEquals(0, undecoded.get(), "every frame from a sender's first picture on decodes");
                assertEquals(Set.of(bobsId, carolsId), Set.copyOf(pictured), "both decoded");
                Map<String, Long> counted = alice.snapshot().videoFramesReceivedFrom();
                assertEquals(List.of("bob", "carol"), List.copyOf(counted.keySet()), "nothing unattributed: " + counted);
                assertTrue(counted.get("bob") >= 5, "frames from someone who left still count under their name");
                assertTrue(counted.get("carol") >= 5);

                relay.close();
                assertTrue(lost.await(LoopbackRelay.WAIT.toMillis(), TimeUnit.MILLISECONDS), "losing the relay is reported");
                assertEquals(ConnectionState.LOST, alice.state());
                assertNotNull(alice.snapshot().lostReason());
                assertTrue(carol.awaitEnd(LoopbackRelay.WAIT), "carol lost it too");
                assertEquals(BotStats.Ending.CONNECTION_LOST, carol.stop().ended());
            }
        } finally {
            relay.close();
        }
    }

    private static long countFrom(String sender, BlockingQueue<VideoFrame> frames) {
        return frames.stream().filter(f -> f.from().equals(sender)).count();
    }
}
