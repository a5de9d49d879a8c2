package chorus.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.bot.BotStats;
import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's room under attack, both at once: one participant floods the video port at ten times
 * its limit, another sends chat as fast as its socket goes. Three honest bots (real bots, real
 * relay, loopback) keep 95% of each other's video and their chat round trip, and none of them is
 * disconnected. Before the limits a chat flood of 5 000–7 000 messages a second pushed a slower
 * client off and a media flood took a room's delivery from 96% to 43%.
 */
class RoomFloodTest {
    private static final long VIDEO_LIMIT = 400_000;
    private static final long FLOOD_BYTES_PER_SECOND = 10 * VIDEO_LIMIT;
    private static final int FLOOD_FRAME_BYTES = 40_000;
    private static final long FLOOD_NANOS = 6_000_000_000L;
    private static RelayNode relay;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay.limits.media { video-bytes-per-second = " + VIDEO_LIMIT + ", video-burst-bytes = 200000 }\n"
                        + "chorus.relay.control.hello-timeout = 1s"));
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    @Test
    void honestBotsKeepTheirVideoAndChatWhileOneFloodsMediaAndAnotherChat() throws Exception {
        String room = LoopbackRelay.room("room-flood");
        List<Bot> honest = new ArrayList<>();
        try (Bot mediaFlooder = Bot.start(BotOptions.of(LoopbackRelay.address(relay), "media-flooder", room)
                .withVideo(false).withSilence());
             Socket chatFlooder = new Socket()) {
            for (String name : List.of("ann", "ben", "cat")) {
                honest.add(Bot.start(BotOptions.of(LoopbackRelay.address(relay), name, room)));
            }
            LoopbackRelay.await("every honest bot sees every other's video", () -> honest.stream().allMatch(b ->
                    honest.stream().filter(o -> o != b).allMatch(o -> b.snapshot().receivedFrom(o.snapshot().name()) > 0)));
            LoopbackRelay.await("the media flooder's media is ready", () -> mediaFlooder.snapshot().mediaReady());
            chatFlooder.connect(new InetSocketAddress("127.0.0.1", relay.controlPort()), 5000);
            OutputStream out = chatFlooder.getOutputStream();
            out.write(ControlCodec.encodeFrame(new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "chat-flooder",
                    room, "flood-test")));
            AtomicLong chatSent = new AtomicLong();
            Thread drain = new Thread(() -> discard(chatFlooder), "chat-flooder-reader");
            drain.start();
            Thread chatFlood = new Thread(() -> {
                byte[] spam = ControlCodec.encodeFrame(new ControlMessage.ChatSend("spam"));
                long end = System.nanoTime() + FLOOD_NANOS;
                try {
                    while (System.nanoTime() < end && chatSent.get() < 10_000_000) {
                        out.write(spam);
                        chatSent.incrementAndGet();
                    }
                } catch (IOException e) {
                    // closed by the relay: counts as ended
                }
            }, "chat-flooder");

            List<BotStats> before = honest.stream().map(Bot::snapshot).toList();
            chatFlood.start();
            Thread mediaFlood = new Thread(() -> floodVideo(mediaFlooder), "media-flooder");
            mediaFlood.start();
            // The honest bots' chat, during both floods: each message reaches the others.
            int roundTrips = 0;
            while (mediaFlood.isAlive()) {
                Bot from = honest.get(roundTrips % honest.size());
                Bot to = honest.get((roundTrips + 1) % honest.size());
                String text = "round trip " + roundTrips++;
                from.say(text);
                LoopbackRelay.await(to.snapshot().name() + " gets '" + text + "' during the floods",
                        () -> to.snapshot().chatTexts().contains(text));
                Thread.sleep(300); // an honest pace
            }
            chatFlood.join(30_000);
            List<BotStats> after = honest.stream().map(Bot::snapshot).toList();
            assertTrue(roundTrips >= 5, roundTrips + " chat round trips during the floods");
            assertTrue(chatSent.get() > 1000, "the chat flooder sent " + chatSent.get() + " messages");

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
                            + " sent during the floods", () -> receiver.snapshot().receivedFrom(sender) - had >= sent * 0.95);
                }
            }
            for (Bot b : honest) {
                assertTrue(b.snapshot().roster().containsAll(List.of("ann", "ben", "cat")),
                        "nobody honest was disconnected: " + b.snapshot().roster());
            }
        } finally {
            for (Bot b : honest) {
                b.close();
            }
        }
    }

    @Test
    void fiveHundredIdleConnectionsAreClosedByTheHelloTimeoutAndAFreshBotStillJoins() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            // 4 per source address (127.0.0.2 … 127.0.0.126), under the per-address limit: the hello timeout closes them.
            for (int i = 0; i < 500; i++) {
                Socket s = new Socket();
                s.bind(new InetSocketAddress("127.0.0." + (2 + i / 4), 0));
                s.connect(new InetSocketAddress("127.0.0.1", relay.controlPort()), 5000);
                s.setSoTimeout(15_000);
                idle.add(s);
            }
            for (Socket s : idle) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                ControlMessage m = ControlCodec.readFrame(in);
                assertTrue(m instanceof ControlMessage.Error e && e.code().equals("hello-timeout"), "told why: " + m);
                assertTrue(in.read() < 0, "then closed by the relay");
            }
        } finally {
            for (Socket s : idle) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // already closed by the relay
                }
            }
        }
        String room = LoopbackRelay.room("after-idle");
        try (Bot peer = Bot.start(BotOptions.of(LoopbackRelay.address(relay), "peer", room));
             Bot fresh = Bot.start(BotOptions.of(LoopbackRelay.address(relay), "fresh", room))) {
            LoopbackRelay.await("the fresh bot sees and is seen", () -> fresh.snapshot().receivedFrom("peer") > 0
                    && peer.snapshot().receivedFrom("fresh") > 0);
        }
    }

    private static void floodVideo(Bot flooder) {
        byte[] frame = new byte[FLOOD_FRAME_BYTES];
        long periodNanos = 1_000_000_000L * FLOOD_FRAME_BYTES / FLOOD_BYTES_PER_SECOND;
        long start = System.nanoTime();
        for (long next = start; next - start < FLOOD_NANOS; next += periodNanos) {
            LockSupport.parkNanos(next - System.nanoTime());
            flooder.client().media().sendVideoFrame(frame, 0, frame.length);
        }
    }

    private static void discard(Socket s) {
        try {
            DataInputStream in = new DataInputStream(s.getInputStream());
            while (true) {
                ControlCodec.readFrame(in);
            }
        } catch (Exception e) {
            // closed
        }
    }
}
