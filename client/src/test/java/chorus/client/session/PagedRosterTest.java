package chorus.client.session;

import chorus.client.LoopbackRelay;
import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.Names;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client joining a room whose roster comes in several pages: {@link ChorusClient#connect}
 * returns with the whole roster, and the first change after it is reported on top of all of it.
 */
class PagedRosterTest {
    private static final int OTHERS = 250;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static String longName(int i) {
        return String.format("%04d", i) + "\uD83C\uDFA4".repeat(Names.MAX_LENGTH - 4);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void connectReturnsWithEveryPageOfTheRoster() throws Exception {
        String room = LoopbackRelay.room("paged");
        List<ControlConnection> others = new ArrayList<>();
        try (RelayNode relay = RelayNode.startOnLoopback(ConfigFactory.parseString("""
                chorus.relay.limits.room-size = 300
                chorus.relay.limits.connections-per-address = 400
                chorus.relay.limits.control-idle-timeout = 10m
                chorus.relay.keepalive.timeout = 10m
                """))) {
            for (int i = 0; i < OTHERS; i++) {
                others.add(ControlConnection.open(LoopbackRelay.address(relay),
                        new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, longName(i), room, "paged-test"), TIMEOUT));
            }
            LinkedBlockingQueue<List<ParticipantInfo>> changes = new LinkedBlockingQueue<>();
            ClientListener listener = new ClientListener() {
                @Override
                public void onRosterChanged(List<ParticipantInfo> roster) {
                    changes.add(roster);
                }
            };
            try (ChorusClient alice = ChorusClient.connect(
                    ClientOptions.of(LoopbackRelay.address(relay), "alice", room), listener)) {
                List<ParticipantInfo> roster = alice.roster();
                assertEquals(OTHERS + 1, roster.size());
                assertTrue(ControlCodec.toJson(new ControlMessage.RosterPage(0, 1, roster)).length
                        > 2 * ControlCodec.MAX_FRAME_BYTES, "more than one page's worth");
                for (int i = 0; i < OTHERS; i++) {
                    assertEquals(longName(i), roster.get(i).name(), "in join order");
                }
                assertEquals("alice", roster.get(OTHERS).name());

                others.add(ControlConnection.open(LoopbackRelay.address(relay),
                        new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "late", room, "paged-test"), TIMEOUT));
                List<ParticipantInfo> after = changes.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull(after, "the late joiner is reported");
                assertEquals(OTHERS + 2, after.size());
                assertEquals("late", after.get(OTHERS + 1).name());
            }
        } finally {
            others.forEach(ControlConnection::close);
        }
    }
}
