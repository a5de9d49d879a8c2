package chorus.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.session.RelayAddress;
import chorus.protocol.audio.OpusFormat;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** Starts the real relay on 127.0.0.1 with ephemeral ports and a fast keepalive, for the client's tests. */
public final class LoopbackRelay {
    public static final Duration PING_INTERVAL = Duration.ofMillis(200);
    static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(2);
    /** Bound on every wait for something the relay or a peer should do. */
    public static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger rooms = new AtomicInteger();

    private LoopbackRelay() {
    }

    /** Started with Concentus compiled: tests judge what a call delivers, not the JIT's first seconds. */
    public static RelayNode start() throws IOException {
        RelayNode relay = RelayNode.startOnLoopback(ConfigFactory.parseString("chorus.relay.keepalive { ping-interval = "
                + PING_INTERVAL.toMillis() + "ms, timeout = " + KEEPALIVE_TIMEOUT.toMillis() + "ms }"));
        OpusFormat.warmUp().join();
        return relay;
    }

    public static RelayAddress address(RelayNode relay) {
        return new RelayAddress("127.0.0.1", relay.controlPort());
    }

    /** A room name no other test uses, so tests sharing a relay do not meet. */
    public static String room(String prefix) {
        return prefix + "-" + rooms.incrementAndGet();
    }

    /** Polls {@code condition} until it holds; fails the test if it does not within {@link #WAIT}. */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "within " + WAIT.toSeconds() + " s: " + what);
            Thread.sleep(10);
        }
    }
}
