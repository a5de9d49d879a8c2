package chorus.protocol.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void bidiOverridesAndIsolatesAreRefusedAnywhereInAName() {
        // "Ada\u202Egnp.exe" shows as "Adaexe.png": the override reorders what follows it.
        assertTrue(Names.problem("name", "Ada\u202Egnp.exe").contains("bidirectional"));
        for (int cp : new int[] {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}) {
            assertTrue(Names.problem("name", "Ada" + Character.toString(cp) + "x").contains("bidirectional"),
                    Integer.toHexString(cp));
        }
        assertTrue(Names.fileNameProblem("photo\u202Egpj.exe").contains("bidirectional"), "the same in file names");
    }

    @Test
    void namesOfOnlyInvisibleCharactersAreRefused() {
        for (String blank : new String[] {"\u3164", "\u3164\u3164\u3164", "\u115F", "\u1160", "\uFFA0", "\u2800",
                "\u034F", "\uFE0F", "\u00AD", "\u2060", "\u200E", "\u180E", "\uDB40\uDC20", "\u3000", "\u3164 \u200B"}) {
            String problem = Names.problem("name", blank);
            assertNotNull(problem, () -> "accepted " + blank.codePoints().mapToObj(Integer::toHexString).toList());
            assertTrue(problem.contains("empty"), problem);
        }
        assertNull(Names.problem("name", "\u3164Ada"), "an invisible character beside visible ones is kept");
    }

    @Test
    void namesAreNormalisedToNfc() {
        String decomposed = "Zoe\u0308"; // e + combining diaeresis
        assertEquals("Zo\u00EB", Names.normalize(decomposed));
        assertEquals("Ada", Names.normalize("Ada"));
        assertEquals(null, Names.normalize(null));
        // Counted after normalising: 64 decomposed characters of 2 code points each fit.
        assertNull(Names.problem("name", "e\u0308".repeat(64)));
    }
}
