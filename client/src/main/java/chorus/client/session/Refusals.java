package chorus.client.session;

import chorus.protocol.control.ErrorCode;
import java.util.Set;

/** What to tell a person when the relay refuses them: the refusals of access tokens in plain words. */
public final class Refusals {
    private Refusals() {
    }

    /** Join refusals that another attempt would only repeat. */
    private static final Set<String> FINAL = Set.of(ErrorCode.INVALID_NAME.wire(), ErrorCode.INVALID_ROOM.wire(),
            ErrorCode.UNSUPPORTED_VERSION.wire(), ErrorCode.INVALID_TOKEN.wire(), ErrorCode.TOKEN_EXPIRED.wire());

    /** Whether trying the same join again is pointless (a bad name, a bad or expired token, ...). */
    public static boolean isFinal(String code) {
        return FINAL.contains(code);
    }

    /** What to say when the relay refused a join: the access refusals explained, others as the relay put them. */
    public static String ofJoin(String code, String message) {
        String said = explain(code, message);
        return said.equals(message) ? "The relay refused the join: " + message : said;
    }

    /** A sentence for the relay's {@code code} and {@code message}; other codes keep the relay's message. */
    public static String explain(String code, String message) {
        String detail = message == null ? "" : " (" + message + ")";
        if (ErrorCode.INVALID_TOKEN.wire().equals(code)) {
            return "This relay admits only holders of a valid access token for this room" + detail
                    + ". Ask whoever runs it for a token or a join link (chorus token issues them) and join with"
                    + " --token TOKEN_OR_LINK (the desktop app: --token or --join, or paste it into the join dialog).";
        }
        if (ErrorCode.TOKEN_EXPIRED.wire().equals(code)) {
            return "Your access token has expired. Ask whoever runs the relay for a new one.";
        }
        if (ErrorCode.REPLACED.wire().equals(code)) {
            return "You joined this room again from somewhere else with the same identity, so this connection"
                    + " was closed.";
        }
        if (ErrorCode.NOT_ALLOWED.wire().equals(code)) {
            return "Your access token does not allow that" + detail + ".";
        }
        return message == null ? code : message;
    }
}
