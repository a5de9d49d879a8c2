package chorus.relay.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ErrorCode;
import chorus.protocol.control.Names;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Fuzz target: the relay's token parser ({@link AccessTokens#verify}) on arbitrary text and on
 * valid tokens with fuzzed edits. Whatever comes in, the answer is a token for the room asked or a
 * {@link TokenRefusedException} with one of its three codes, never another exception; and an edited
 * token is only ever accepted as saying exactly what the genuine one says (the signature covers it).
 */
class TokenFuzzTest {
    private static final byte[] KEY = "chorus-token-fuzzing-key-0123456789abcdef".getBytes();
    private static final AccessTokens TOKENS = new AccessTokens(KEY);
    private static final String ROOM = "standup";
    private static final String GENUINE = TOKENS.issue(ROOM, "ada@example.org", "Ada", Duration.ofDays(3650),
            EnumSet.of(Grant.PUBLISH_AUDIO, Grant.SUBSCRIBE), Instant.now());
    private static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.INVALID_TOKEN, ErrorCode.TOKEN_EXPIRED,
            ErrorCode.INVALID_NAME);

    @FuzzTest(maxDuration = "10s")
    @DictionaryEntries({".", "eyJ", "eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJub25lIn0", "\"alg\"", "\"none\"",
            "\"HS256\"", "\"room\"", "\"name\"", "\"sub\"", "\"exp\"", "\"grants\"", "=", "-", "_"})
    void tokens(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            String token = data.consumeRemainingAsString();
            checkAnswer(token, verify(token));
        } else {
            int at = data.consumeInt(0, GENUINE.length());
            int cut = data.consumeInt(0, GENUINE.length() - at);
            String edited = GENUINE.substring(0, at) + data.consumeRemainingAsString() + GENUINE.substring(at + cut);
            Object answer = verify(edited);
            checkAnswer(edited, answer);
            if (answer instanceof AccessToken accepted) {
                assertEquals(verify(GENUINE), accepted, "an edited token was accepted saying something else: " + edited);
            }
        }
    }

    /** The token verified, or the refusal; any other exception fails the target. */
    private static Object verify(String token) {
        try {
            return TOKENS.verify(token, ROOM);
        } catch (TokenRefusedException refused) {
            return refused;
        }
    }

    private static void checkAnswer(String token, Object answer) {
        if (answer instanceof TokenRefusedException refused) {
            assertTrue(REFUSALS.contains(refused.code()), "refused with " + refused.code() + " for " + token);
            assertNotNull(refused.getMessage());
            return;
        }
        AccessToken accepted = (AccessToken) answer;
        assertEquals(ROOM, accepted.room(), "accepted for another room: " + token);
        assertNull(Names.problem("name", accepted.name()), "accepted a name the rules refuse: " + token);
        assertTrue(accepted.expiresAt().isAfter(Instant.now().minus(AccessTokens.CLOCK_SKEW)),
                "accepted an expired token: " + token);
        assertNotNull(accepted.identity());
    }
}
