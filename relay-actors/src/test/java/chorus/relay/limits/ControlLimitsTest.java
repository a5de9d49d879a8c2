package chorus.relay.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.relay.RawClient;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The control port's limits, each tried as an attacker would: many idle sockets, a frame dripping
 * in, a joined client that goes silent, one address opening connection after connection. Each is
 * answered with its error code, closed, and counted in {@code chorus_limit_hits_total}.
 */
class ControlLimitsTest {
    private static final int PER_ADDRESS = 4;
    private static RelayNode relay;

    @BeforeAll
    static void startRelay() throws Exception {
        // The keepalive timeout is long, so what closes a silent client here is the idle timeout.
        relay = RelayNode.startOnLoopback(ConfigFactory.parseString("""
                chorus.relay.control.hello-timeout = 1s
                chorus.relay.keepalive { ping-interval = 200ms, timeout = 60s }
                chorus.relay.limits { frame-timeout = 300ms, control-idle-timeout = 1s,
                                      connections-per-address = %d }
                """.formatted(PER_ADDRESS)));
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    private static InetSocketAddress loopback(int last) {
        return new InetSocketAddress("127.0.0." + last, 0);
    }

    /** The next error, reading frames without answering pings (a pong would count as activity). */
    private static ControlMessage.Error nextError(RawClient c) throws Exception {
        while (true) {
            ControlMessage m = ControlCodec.readFrame(c.in);
            if (m instanceof ControlMessage.Error e) {
                return e;
            }
        }
    }

    @Test
    void fiveHundredIdleConnectionsAreClosedByTheHelloTimeoutAndAFreshClientStillJoins() throws Exception {
        long before = LimitMetrics.hits(relay, "hello-timeout");
        List<RawClient> idle = new ArrayList<>();
        try {
            // Spread over 125 source addresses, PER_ADDRESS each: the per-address limit is not what closes them.
            for (int i = 0; i < 500; i++) {
                idle.add(new RawClient(relay.controlAddress(), loopback(2 + i / PER_ADDRESS), 0));
            }
            for (RawClient c : idle) {
                assertEquals("hello-timeout", nextError(c).code());
                assertTrue(c.closedByRelay(), "closed after its hello-timeout");
            }
        } finally {
            for (RawClient c : idle) {
                c.close();
            }
        }
        try (RawClient fresh = RawClient.join(relay, "idle-" + System.nanoTime(), "Fresh")) {
            assertEquals("Fresh", fresh.roster.get(0).name());
        }
        assertTrue(LimitMetrics.hits(relay, "hello-timeout") >= before + 500, "each counted");
    }

    @Test
    void aJoinedClientDrippingAFrameIsClosedByTheFrameTimeout() throws Exception {
        long before = LimitMetrics.hits(relay, "frame-timeout");
        try (RawClient slow = RawClient.join(relay, "drip-" + System.nanoTime(), "Slow")) {
            Thread dripper = new Thread(() -> {
                try {
                    slow.sendRaw(ByteBuffer.allocate(4).putInt(100).array());
                    for (int i = 0; i < 100; i++) { // a byte every 50 ms: 5 s for the whole frame
                        slow.sendRaw(new byte[] {' '});
                        Thread.sleep(50);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the relay: what the test waits for
                }
            }, "dripper");
            dripper.start();
            assertEquals("idle-timeout", nextError(slow).code(), "closed before the frame completes");
            assertTrue(slow.closedByRelay());
            dripper.interrupt();
            dripper.join(5000);
        }
        assertTrue(LimitMetrics.hits(relay, "frame-timeout") > before);
    }

    @Test
    void aJoinedClientThatSendsNothingIsClosedByTheIdleTimeout() throws Exception {
        long before = LimitMetrics.hits(relay, "control-idle");
        try (RawClient silent = RawClient.join(relay, "silent-" + System.nanoTime(), "Silent")) {
            ControlMessage.Error error = nextError(silent);
            assertEquals("idle-timeout", error.code(), error.message());
            assertTrue(silent.closedByRelay());
        }
        assertTrue(LimitMetrics.hits(relay, "control-idle") > before);
    }

    @Test
    void oneAddressGetsNoMoreThanItsConnections() throws Exception {
        long before = LimitMetrics.hits(relay, "connections-per-address");
        List<RawClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                open.add(RawClient.join(new RawClient(relay.controlAddress(), loopback(200), 0),
                        "per-address-" + System.nanoTime(), "Own" + i));
            }
            try (RawClient extra = new RawClient(relay.controlAddress(), loopback(200), 0)) {
                ControlMessage reply = extra.read();
                ControlMessage.Error error = assertInstanceOf(ControlMessage.Error.class, reply);
                assertEquals("too-many-connections", error.code(), error.message());
                assertTrue(extra.closedByRelay(), "refused at accept and closed");
            }
            // Another address is not affected.
            try (RawClient other = RawClient.join(new RawClient(relay.controlAddress(), loopback(201), 0),
                    "per-address-" + System.nanoTime(), "Other")) {
                assertEquals(1, other.roster.size());
            }
            open.remove(0).close();
            // Once one of them is gone, the address may connect again.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!joinsFrom(loopback(200))) {
                assertTrue(System.nanoTime() < deadline, "the address may connect again within 10 s");
                Thread.sleep(50);
            }
        } finally {
            for (RawClient c : open) {
                c.close();
            }
        }
        assertTrue(LimitMetrics.hits(relay, "connections-per-address") > before);
    }

    @Test
    void theNodeHoldsNoMoreThanItsConnectionsInAll() throws Exception {
        try (RelayNode small = RelayNode.startOnLoopback(ConfigFactory.parseString("chorus.relay.limits.max-connections = 3"))) {
            List<RawClient> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) { // one address each: the per-address limit is not what refuses
                    open.add(RawClient.join(new RawClient(small.controlAddress(), loopback(210 + i), 0),
                            "total-" + System.nanoTime(), "Own" + i));
                }
                try (RawClient extra = new RawClient(small.controlAddress(), loopback(220), 0)) {
                    ControlMessage.Error error = assertInstanceOf(ControlMessage.Error.class, extra.read());
                    assertEquals("too-many-connections", error.code(), error.message());
                    assertTrue(extra.closedByRelay());
                }
            } finally {
                for (RawClient c : open) {
                    c.close();
                }
            }
            assertEquals(1, LimitMetrics.hits(small, "connections-total"));
        }
    }

    private static boolean joinsFrom(InetSocketAddress from) throws Exception {
        try (RawClient again = new RawClient(relay.controlAddress(), from, 0)) {
            again.send(new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Again",
                    "per-address-" + System.nanoTime(), "raw-test"));
            return again.read() instanceof ControlMessage.Welcome;
        }
    }
}
