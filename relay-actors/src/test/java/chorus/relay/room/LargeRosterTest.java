package chorus.relay.room;

import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.Names;
import chorus.relay.RawClient;
import chorus.relay.RelayNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A room whose roster, sent whole, would be several times the 64 KiB frame limit: 800 members
 * named with 64 code points of 4-byte emoji (the longest names there are, in bytes). Everyone can
 * join, and every member ends up with the whole roster from its pages and the joined news after
 * them. Raw control connections only; any frame over the limit fails the read.
 */
class LargeRosterTest {
    private static final int MEMBERS = 800;
    private static final Config BIG_ROOM = ConfigFactory.parseString("""
            chorus.relay.limits.room-size = 1000
            chorus.relay.limits.connections-per-address = 1000
            chorus.relay.limits.max-connections = 2000
            chorus.relay.limits.control-idle-timeout = 10m
            chorus.relay.keepalive.timeout = 10m
            """);

    /** Unique per member: its number in emoji digits, then emoji up to {@link Names#MAX_LENGTH} code points. */
    private static String emojiName(int i) {
        StringBuilder name = new StringBuilder();
        for (char digit : String.format("%04d", i).toCharArray()) {
            name.appendCodePoint(0x1F7E0 + (digit - '0')); // colored circles and squares, 4 UTF-8 bytes each
        }
        while (name.codePointCount(0, name.length()) < Names.MAX_LENGTH) {
            name.appendCodePoint(0x1F3A4);
        }
        return name.toString();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyMemberOfARoomTooBigForOneFrameSeesTheWholeRoster() throws Exception {
        String room = "large-" + System.nanoTime();
        List<RawClient> clients = new ArrayList<>(MEMBERS);
        try (RelayNode relay = RelayNode.startOnLoopback(BIG_ROOM)) {
            for (int i = 0; i < MEMBERS; i++) {
                RawClient c = RawClient.join(relay, room, emojiName(i));
                clients.add(c);
                assertEquals(i + 1, c.welcome.rosterSize(), "the welcome counts everyone before and the newcomer");
                assertEquals(i + 1, c.roster.size(), "the pages hold them all");
            }
            RawClient last = clients.get(MEMBERS - 1);
            int whole = ControlCodec.toJson(new ControlMessage.RosterPage(0, 1, last.roster)).length;
            assertTrue(whole > 4 * ControlCodec.MAX_FRAME_BYTES, "sent whole it would be " + whole + " bytes");

            List<String> everyone = last.roster.stream().map(ParticipantInfo::participantId).toList();
            for (int i = 0; i < MEMBERS; i++) {
                assertEquals(emojiName(i), last.roster.get(i).name(), "in join order");
            }
            for (RawClient c : clients) {
                Map<String, ParticipantInfo> seen = new LinkedHashMap<>();
                c.roster.forEach(p -> seen.put(p.participantId(), p));
                while (seen.size() < MEMBERS) { // each read is bounded by the socket's timeout
                    ControlMessage m = c.read();
                    if (m instanceof ControlMessage.ParticipantJoined j) {
                        seen.put(j.participant().participantId(), j.participant());
                    } else if (m instanceof ControlMessage.ParticipantLeft l) {
                        seen.remove(l.participant().participantId());
                    }
                }
                assertEquals(everyone, List.copyOf(seen.keySet()), "member " + c.welcome.mediaId() + " sees everyone");
            }
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
        }
    }
}
