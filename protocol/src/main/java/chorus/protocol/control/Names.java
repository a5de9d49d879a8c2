package chorus.protocol.control;

/**
 * Rules for participant and room names, checked by the relay at join and by clients before they
 * ask: 1 to 64 characters (code points), well-formed Unicode, no control characters, not blank.
 */
public final class Names {
    public static final int MAX_LENGTH = 64;

    private Names() {
    }

    /** Spaces of any kind and format characters (zero-width space, joiners): a name of only these looks blank. */
    private static boolean invisible(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.getType(cp) == Character.FORMAT;
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
            }
        }
        int length = value.codePointCount(0, value.length());
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
