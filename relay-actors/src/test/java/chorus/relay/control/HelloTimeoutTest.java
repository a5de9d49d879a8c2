package chorus.relay.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ErrorCode;
import chorus.relay.RawClient;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A control connection that does not join in time is closed: idle sockets and a frame dripping
 * in byte by byte (a slowloris) cannot hold the relay's file descriptors forever. A participant
 * that joined is not affected.
 */
class HelloTimeoutTest {
    private static final Duration HELLO_TIMEOUT = Duration.ofMillis(500);
    private static RelayNode relay;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayNode.startOnLoopback(ConfigFactory.parseString("chorus.relay.control.hello-timeout = "
                + HELLO_TIMEOUT.toMillis() + "ms\nchorus.relay.keepalive.ping-interval = 2s"));
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    private static void assertClosedForNoHello(RawClient client) throws Exception {
        ControlMessage.Error error = assertInstanceOf(ControlMessage.Error.class, client.read());
        assertEquals(ErrorCode.HELLO_TIMEOUT.wire(), error.code(), error.message());
        assertTrue(client.closedByRelay(), "the relay closes the connection");
    }

    @Test
    void aConnectionThatSendsNothingIsClosedWithHelloTimeout() throws Exception {
        try (RawClient idle = new RawClient(relay.controlAddress())) {
            assertClosedForNoHello(idle);
        }
    }

    @Test
    void aFrameDrippingInIsNoHello() throws Exception {
        try (RawClient slow = new RawClient(relay.controlAddress())) {
            slow.sendRaw(ByteBuffer.allocate(4).putInt(100).array());
            slow.sendRaw(new byte[] {'{', '"'});
            assertClosedForNoHello(slow);
        }
    }

    @Test
    void messagesOtherThanHelloDoNotKeepAConnectionOpen() throws Exception {
        try (RawClient chatty = new RawClient(relay.controlAddress())) {
            chatty.send(new ControlMessage.Ping(1));
            assertEquals(new ControlMessage.Pong(1), chatty.read());
            assertClosedForNoHello(chatty);
        }
    }

    @Test
    void aJoinedParticipantStaysWellPastIt() throws Exception {
        String room = "hello-" + System.nanoTime();
        try (RawClient ada = RawClient.join(relay, room, "Ada")) {
            // Three hello timeouts go by, joined: the relay does not close the connection.
            ada.socket.setSoTimeout((int) HELLO_TIMEOUT.multipliedBy(3).toMillis());
            assertFalse(ada.closedByRelay(), "a joined participant is not closed");
            ada.socket.setSoTimeout(5000);
            ada.send(new ControlMessage.ChatSend("still here"));
            ControlMessage.ChatMessage back = ada.await(ControlMessage.ChatMessage.class, c -> true,
                    Duration.ofSeconds(5));
            assertEquals("still here", back.text());
        }
    }
}
