package chorus.protocol.control;

import java.text.Normalizer;

/**
 * Rules for participant and room names, checked by the relay at join (on the name a token carries
 * too) and by clients before they ask: 1 to 64 characters (code points) once normalised to NFC,
 * well-formed Unicode, no control characters, no bidirectional overrides or isolates, not made only
 * of invisible characters.
 */
public final class Names {
    public static final int MAX_LENGTH = 64;

    private Names() {
    }

    /**
     * Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt, Unicode 15.1):
     * code points a renderer shows as nothing, such as U+3164 HANGUL FILLER, which Java's character
     * classes call a letter. Ten ranges do not justify a Unicode library in the protocol module.
     */
    private static final int[][] DEFAULT_IGNORABLE = {
            {0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x061C, 0x061C}, {0x115F, 0x1160}, {0x17B4, 0x17B5},
            {0x180B, 0x180F}, {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x206F}, {0x3164, 0x3164},
            {0xFE00, 0xFE0F}, {0xFEFF, 0xFEFF}, {0xFFA0, 0xFFA0}, {0xFFF0, 0xFFF8}, {0x1BCA0, 0x1BCA3},
            {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF},
    };

    /** Spaces of any kind, format characters, default-ignorables and the blank braille pattern: a name of only these looks blank. */
    private static boolean invisible(int cp) {
        if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.getType(cp) == Character.FORMAT
                || cp == 0x2800) {
            return true;
        }
        for (int[] range : DEFAULT_IGNORABLE) {
            if (cp >= range[0] && cp <= range[1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069): they reorder
     * the text around a name in every list it is shown in ("Ada\u202Egnp.exe" reads "Adaexe.png").
     */
    private static boolean bidiControl(int cp) {
        return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
    }

    /**
     * {@code value} in Unicode Normalization Form C, the form the relay keeps and shows names in, so
     * that "Zoë" typed as one character or as e + U+0308 is one name; null stays null.
     */
    public static String normalize(String value) {
        return value == null ? null : Normalizer.normalize(value, Normalizer.Form.NFC);
    }

    /** Null when {@code value} is an acceptable name; otherwise a sentence saying why not. */
    public static String problem(String what, String value) {
        if (value == null || value.codePoints().allMatch(Names::invisible)) {
            return what + " must not be empty";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return what + " is not valid UTF-8 (unpaired surrogate)";
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return what + " is not valid UTF-8 (unpaired surrogate)";
            } else if (Character.isISOControl(c)) {
                return what + " must not contain control characters";
            } else if (bidiControl(c)) {
                return what + " must not contain bidirectional overrides or isolates (U+202A-U+202E, U+2066-U+2069)";
            }
        }
        String normalized = normalize(value);
        int length = normalized.codePointCount(0, normalized.length());
        if (length > MAX_LENGTH) {
            return what + " is " + length + " characters; at most " + MAX_LENGTH + " are allowed";
        }
        return null;
    }

    /** Longest file name accepted, in UTF-8 bytes (what common file systems allow). */
    public static final int MAX_FILE_NAME_BYTES = 255;

    /**
     * Null when {@code name} is acceptable as the name of a shared file; otherwise why not. A file
     * name is a plain name: no directories ({@code /} or {@code \}), not {@code .} or {@code ..},
     * no control characters, at most 255 UTF-8 bytes. The relay never uses it as a path anyway.
     */
    public static String fileNameProblem(String name) {
        String problem = problem("file name", name);
        if (problem != null && !problem.contains("at most")) {
            return problem;
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return "file name must not contain / or \\ (a name, not a path)";
        }
        if (name.equals(".") || name.equals("..")) {
            return "file name must not be . or ..";
        }
        int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > MAX_FILE_NAME_BYTES) {
            return "file name is " + bytes + " bytes; at most " + MAX_FILE_NAME_BYTES + " are allowed";
        }
        return null;
    }
}
