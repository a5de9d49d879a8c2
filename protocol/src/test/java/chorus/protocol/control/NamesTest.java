package chorus.protocol.control;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void ordinaryNamesAreAccepted() {
        assertNull(Names.problem("name", "Ada"));
        assertNull(Names.problem("name", "Zoë 🎧 from Ops"));
        assertNull(Names.problem("room", "x".repeat(64)));
        assertNull(Names.problem("room", "🎧".repeat(64)), "64 code points, 128 chars");
    }

    @Test
    void badNamesAreRefusedWithAReason() {
        assertTrue(Names.problem("name", "").contains("empty"));
        assertTrue(Names.problem("name", "   ").contains("empty"));
        assertTrue(Names.problem("name", "\u00A0").contains("empty"), "no-break space only");
        assertTrue(Names.problem("name", "\u200B\u200B").contains("empty"), "zero-width spaces only");
        assertTrue(Names.problem("name", null).contains("empty"));
        assertTrue(Names.problem("name", "x".repeat(65)).contains("at most 64"));
        assertTrue(Names.problem("name", "a\u0000b").contains("control"));
        assertTrue(Names.problem("name", "bell\u0007").contains("control"));
        assertNotNull(Names.problem("name", "half\uD83D"));
        assertTrue(Names.problem("name", "\uDC00x").contains("UTF-8"));
    }

    @Test
    void fileNamesArePlainNames() {
        assertNull(Names.fileNameProblem("report 2026 (final).pdf"));
        assertNull(Names.fileNameProblem("x".repeat(200) + ".bin"), "longer than a participant name is fine");
        assertTrue(Names.fileNameProblem("../../etc/passwd").contains("not a path"));
        assertTrue(Names.fileNameProblem("..").contains(".."));
        assertTrue(Names.fileNameProblem("a\\b").contains("not a path"));
        assertTrue(Names.fileNameProblem("evil\nname").contains("control"));
        assertTrue(Names.fileNameProblem("").contains("empty"));
        assertTrue(Names.fileNameProblem("é".repeat(200)).contains("bytes"));
    }
}
