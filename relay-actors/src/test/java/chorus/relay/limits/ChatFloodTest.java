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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One participant sends chat as fast as it can. The room's honest members keep chatting (their
 * own messages come back), one that reads slowly is not disconnected, and the flooder is told
 * {@code rate-limited} and stays connected. Before the chat rate limit the relay took 5 000–7 000
 * messages a second from one client and disconnected a slower reader.
 */
class ChatFloodTest {
    private static final int FLOOD_MESSAGES = 200_000;
    private static final Duration FLOOD = Duration.ofSeconds(5);
    private static final long BACKLOG_READ = 4242;
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
            CountDownLatch backlogRead = new CountDownLatch(1);
            Thread reader = new Thread(() -> readAll(flooder, rateLimited, backlogRead), "flooder-reader");
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
            // So is the flooder: once the relay has read its backlog (a ping answered comes after
            // it) and its bucket has refilled, its chat goes out again.
            synchronized (flooder) {
                flooder.send(new ControlMessage.Ping(BACKLOG_READ));
            }
            assertTrue(backlogRead.await(30, TimeUnit.SECONDS), "the relay read the flood to its end");
            Thread.sleep(1000);
            synchronized (flooder) {
                flooder.send(new ControlMessage.ChatSend("sorry"));
            }
            honest.await(ControlMessage.ChatMessage.class, c -> c.text().equals("sorry"), Duration.ofSeconds(10));
        }
        assertTrue(LimitMetrics.hits(relay, "chat-rate") > 0, "counted");
    }

    private static void readAll(RawClient c, AtomicLong rateLimited, CountDownLatch backlogRead) {
        try {
            while (true) {
                ControlMessage m = ControlCodec.readFrame(c.in);
                if (m instanceof ControlMessage.Error e && e.code().equals("rate-limited")) {
                    rateLimited.incrementAndGet();
                } else if (m instanceof ControlMessage.Pong p && p.nonce() == BACKLOG_READ) {
                    backlogRead.countDown();
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
