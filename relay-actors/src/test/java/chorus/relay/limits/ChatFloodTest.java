package chorus.relay.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlProtocolException;
import chorus.relay.RawClient;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One participant sends chat as fast as it can. The room's honest members keep chatting (their
 * own messages come back), one that reads slowly is not disconnected, and the flooder is told
 * {@code rate-limited}. A burst over the rate is cut to the bucket, and its sender stays. Before the chat rate limit the relay took 5 000–7 000
 * messages a second from one client and disconnected a slower reader.
 */
class ChatFloodTest {
    private static final int FLOOD_MESSAGES = 200_000;
    private static final Duration FLOOD = Duration.ofSeconds(5);
    private static RelayNode relay;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayNode.startOnLoopback(ConfigFactory.empty());
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    @Test
    void aFlooderCannotDrownTheRoomsChatNorPushASlowReaderOff() throws Exception {
        String room = "flood-" + System.nanoTime();
        // A small receive buffer: this member reads nothing during the flood, like a slow client.
        try (RawClient slow = RawClient.join(new RawClient(relay.controlAddress(), null, 4096), room, "Slow");
             RawClient honest = RawClient.join(relay, room, "Honest");
             RawClient flooder = RawClient.join(relay, room, "Flooder")) {
            AtomicLong rateLimited = new AtomicLong();
            AtomicBoolean flooding = new AtomicBoolean(true);
            Thread reader = new Thread(() -> readAll(flooder, rateLimited), "flooder-reader");
            reader.start();
            Thread writer = new Thread(() -> {
                byte[] frame = ControlCodec.encodeFrame(new ControlMessage.ChatSend("spam spam spam spam"));
                long end = System.nanoTime() + FLOOD.toNanos();
                try {
                    for (int i = 0; i < FLOOD_MESSAGES && System.nanoTime() < end; i++) {
                        synchronized (flooder) {
                            flooder.sendRaw(frame);
                        }
                    }
                } catch (IOException e) {
                    // disconnected: the test says so below
                } finally {
                    flooding.set(false);
                }
            }, "flooder");
            writer.start();

            // While the flood goes on, the honest member's messages make the round trip, each in time.
            int roundTrips = 0;
            while (flooding.get()) {
                String text = "round trip " + roundTrips++;
                honest.send(new ControlMessage.ChatSend(text));
                ControlMessage.ChatMessage back = honest.await(ControlMessage.ChatMessage.class,
                        c -> c.text().equals(text), Duration.ofSeconds(5));
                assertEquals("Honest", back.from());
                Thread.sleep(300); // an honest pace, under the limit
            }
            writer.join(60_000);
            assertTrue(roundTrips >= 5, roundTrips + " round trips during the flood");
            assertTrue(rateLimited.get() > 0, "the flooder was told rate-limited");

            // The slow reader is still there: it reads what piled up, then chats itself.
            slow.socket.setSoTimeout(10_000);
            slow.send(new ControlMessage.ChatSend("still here"));
            assertEquals("Slow", slow.await(ControlMessage.ChatMessage.class, c -> c.text().equals("still here"),
                    Duration.ofSeconds(20)).from());
        }
        long refused = LimitMetrics.hits(relay, "chat-rate");
        assertTrue(refused > 0, "counted");
        System.out.printf("chat flood: %d messages refused by the chat rate in %d s%n", refused, FLOOD.toSeconds());
    }

    @Test
    void aBurstOverTheRateIsRefusedAndTheSenderStays() throws Exception {
        String room = "burst-" + System.nanoTime();
        try (RawClient ada = RawClient.join(relay, room, "Ada");
             RawClient bea = RawClient.join(relay, room, "Bea")) {
            for (int i = 0; i < 60; i++) {
                ada.send(new ControlMessage.ChatSend("burst " + i));
            }
            ControlMessage.Error error = ada.await(ControlMessage.Error.class, e -> true, Duration.ofSeconds(5));
            assertEquals("rate-limited", error.code(), error.message());
            // The burst (20) and what the bucket refilled meanwhile went out; the rest went to nobody.
            Thread.sleep(1000); // the bucket refills with time, nothing to wait on
            ada.send(new ControlMessage.ChatSend("after the burst"));
            int fromBurst = 0;
            while (true) {
                ControlMessage.ChatMessage m = bea.await(ControlMessage.ChatMessage.class, c -> true, Duration.ofSeconds(5));
                if (m.text().equals("after the burst")) {
                    break;
                }
                fromBurst++;
            }
            assertTrue(fromBurst >= 20 && fromBurst < 60, fromBurst + " of the 60 went out");
        }
    }

    private static void readAll(RawClient c, AtomicLong rateLimited) {
        try {
            while (true) {
                ControlMessage m = ControlCodec.readFrame(c.in);
                if (m instanceof ControlMessage.Error e && e.code().equals("rate-limited")) {
                    rateLimited.incrementAndGet();
                } else if (m instanceof ControlMessage.Ping p) {
                    synchronized (c) {
                        c.send(new ControlMessage.Pong(p.nonce()));
                    }
                }
            }
        } catch (IOException | ControlProtocolException e) {
            // closed
        }
    }
}
