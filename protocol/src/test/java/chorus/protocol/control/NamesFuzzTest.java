package chorus.protocol.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;

/**
 * Fuzz target: the display-name and file-name rules of {@link Names} on arbitrary strings
 * (unpaired surrogates included: Jazzer builds them from modified UTF-8). What a rule accepts must
 * have the properties the relay relies on; seeds in {@code NamesFuzzTestInputs/}.
 */
class NamesFuzzTest {
    private static final Path SHARED = Path.of("/srv/chorus-files/room");

    @FuzzTest(maxDuration = "10s")
    // Not U+001C..U+001F or U+007F: Jazzer 0.24 writes them unescaped and libFuzzer then refuses the dictionary.
    @DictionaryEntries({"/", "\\", ".", "..", "\u0000", "\u0085", "\u200b", "\u202e",
            "\u3164", "\u00a0", "\ud83c\udfa4", "e\u0301"})
    void nameRules(FuzzedDataProvider data) {
        String value = data.consumeRemainingAsString();
        checkDisplayName(value);
        checkFileName(value);
    }

    private static void checkDisplayName(String value) {
        String problem = Names.problem("name", value);
        assertEquals(problem, Names.problem("name", value), "the rule is deterministic");
        if (problem != null) {
            assertTrue(problem.startsWith("name "), "the reason names what was refused: " + problem);
            return;
        }
        // The relay keeps and shows a name in NFC, so the length rule is on that form: 65 code
        // points with an e + U+0301 in them make a name of 64 (the fuzzer's first finding here,
        // against a property that measured the name as typed).
        String kept = Names.normalize(value);
        assertTrue(Normalizer.isNormalized(kept, Normalizer.Form.NFC));
        assertNull(Names.problem("name", kept), "the normalised name is accepted too");
        int length = kept.codePointCount(0, kept.length());
        assertTrue(length >= 1 && length <= Names.MAX_LENGTH, "accepted name of " + length + " characters");
        assertWellFormed(value);
        assertTrue(value.codePoints().noneMatch(Character::isISOControl), "accepted name has a control character");
        assertTrue(value.codePoints().noneMatch(cp -> (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)),
                "accepted name has a bidirectional override or isolate");
        assertFalse(value.isBlank(), "accepted name is blank");
        assertFalse(value.codePoints().allMatch(cp -> cp == 0x3164 || cp == 0x115F || cp == 0x1160 || cp == 0xFFA0
                || cp == 0x2800 || Character.isWhitespace(cp) || Character.getType(cp) == Character.FORMAT),
                "accepted name shows nothing");
    }

    private static void checkFileName(String name) {
        String problem = Names.fileNameProblem(name);
        if (problem != null) {
            assertTrue(problem.startsWith("file name "), "the reason names what was refused: " + problem);
            return;
        }
        assertTrue(name.indexOf('/') < 0 && name.indexOf('\\') < 0, "accepted file name has a path separator");
        assertTrue(name.codePoints().noneMatch(Character::isISOControl), "accepted file name has a control character");
        assertNotEquals(".", name);
        assertNotEquals("..", name);
        assertFalse(name.isBlank(), "accepted file name is blank");
        assertWellFormed(name);
        assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= Names.MAX_FILE_NAME_BYTES);
        // Used as a path (the relay does not, but a client saving a download does) it stays one entry.
        Path saved = SHARED.resolve(name).normalize();
        assertEquals(SHARED, saved.getParent(), "accepted file name leaves its directory: " + saved);
        assertEquals(name, saved.getFileName().toString());
    }

    /** No unpaired surrogate: the name survives UTF-8 (the wire) unchanged. */
    private static void assertWellFormed(String value) {
        assertEquals(value, new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                "accepted name does not survive UTF-8");
    }
}
