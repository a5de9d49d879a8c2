package chorus.protocol.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadyLineTest {

    @Test
    void aRelaysLineKeepsTodaysStartAndReadsBackWhole() {
        ReadyLine alone = ReadyLine.relay("127.0.0.1", 40001, 40002, 40003, null, 40004, 40005);
        assertEquals("Chorus relay ready control=127.0.0.1:40001 video=40002 audio=40003 files=40004 metrics=40005",
                alone.toString());
        assertEquals(Optional.of(alone), ReadyLine.parse(alone.toString()));

        ReadyLine clustered = ReadyLine.relay("0.0.0.0", 5005, 5000, 5001, "10.0.0.1:25520", 5006, -1);
        assertEquals("Chorus relay ready control=0.0.0.0:5005 video=5000 audio=5001 cluster=10.0.0.1:25520"
                + " files=5006 metrics=off", clustered.toString());
        assertEquals(Optional.of(clustered), ReadyLine.parse(clustered.toString()));
    }

    @Test
    void theTlsFieldComesAfterTheOthersAndReadsBack() {
        String hex = "ab".repeat(32);
        ReadyLine tls = ReadyLine.relay("127.0.0.1", 1, 2, 3, null, 4, -1).withTls("sha256:" + hex);
        assertEquals("Chorus relay ready control=127.0.0.1:1 video=2 audio=3 files=4 metrics=off tls=sha256:" + hex,
                tls.toString());
        assertEquals(Optional.of(tls), ReadyLine.parse(tls.toString()));
        assertEquals(Optional.of("sha256:" + hex), tls.tlsFingerprint());
        ReadyLine plain = ReadyLine.parse(tls.withTls("off").toString()).orElseThrow();
        assertEquals("off", plain.tls());
        assertTrue(plain.tlsFingerprint().isEmpty());
    }

    @Test
    void aLineFromBeforeTheAddedFieldsAndTheRawForwardersAreRead() {
        ReadyLine old = ReadyLine.parse("Chorus relay ready control=127.0.0.1:5005 video=5000 audio=5001").orElseThrow();
        assertEquals("127.0.0.1:5005", old.control());
        assertEquals(-1, old.filesPort());
        assertEquals(-1, old.metricsPort());
        assertNull(old.cluster());

        ReadyLine raw = ReadyLine.parse("Chorus raw forwarder ready control=127.0.0.1:7 video=8 audio=9").orElseThrow();
        assertEquals(ReadyLine.RAW_FORWARDER, raw.server());
        assertEquals(8, raw.videoPort());
        assertEquals("Chorus raw forwarder ready control=127.0.0.1:7 video=8 audio=9", raw.toString());
    }

    @Test
    void otherLinesAreNotReadyLines() {
        for (String line : new String[] {"", "12:00:01 INFO relay ready control=x:1 video=2 audio=3",
                "Chorus relay ready control=127.0.0.1 video=1 audio=2",
                "Chorus relay ready control=127.0.0.1:1 video=x audio=2",
                "Chorus relay ready control=127.0.0.1:1 audio=2", "Chorus relay stopped"}) {
            assertTrue(ReadyLine.parse(line).isEmpty(), line);
        }
        assertEquals(41, ReadyLine.parse("Chorus relay ready control=h:1 video=2 audio=3 files=4 metrics=41 later=x")
                .orElseThrow().metricsPort(), "a field added later is skipped");
    }
}
