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
}
