package chorus.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.media.DropCounts;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A media socket's hellos: every tick until the relay acknowledges one; a relay that stays silent
 * through all the fast tries is still asked once a second (it may have been too busy, and
 * acknowledges once it routes the socket), never given up on; once acknowledged, keepalives.
 */
class MediaSignallingTest {
    @Test
    void helloEveryTickThenOnceASecondUntilAcknowledgedThenKeepalives() {
        List<MediaKind> sent = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int[] acks = {0};
        MediaSignalling signalling = new MediaSignalling("video", new InetSocketAddress("127.0.0.1", 5000), 7,
                d -> sent.add(MediaHeader.kind(d, 0)), new DropCounts(), () -> acks[0]++, problems::add);
        for (int t = 0; t < MediaSession.HELLO_MAX_TRIES; t++) {
            signalling.tick();
        }
        assertEquals(MediaSession.HELLO_MAX_TRIES, sent.size());
        assertTrue(sent.stream().allMatch(k -> k == MediaKind.HELLO));
        sent.clear();
        for (int t = 0; t < 5 * MediaSession.KEEPALIVE_EVERY_TICKS + 1; t++) {
            signalling.tick();
        }
        assertEquals(1, problems.size(), "the user is told once that video may not arrive");
        assertEquals(List.of(MediaKind.HELLO, MediaKind.HELLO, MediaKind.HELLO, MediaKind.HELLO, MediaKind.HELLO), sent,
                "and the relay is still asked once a second");
        signalling.onAck();
        sent.clear();
        for (int t = 0; t < 2 * MediaSession.KEEPALIVE_EVERY_TICKS; t++) {
            signalling.tick();
        }
        assertEquals(1, acks[0]);
        assertEquals(List.of(MediaKind.KEEPALIVE, MediaKind.KEEPALIVE), sent, "acknowledged: keepalives only");
    }
}
