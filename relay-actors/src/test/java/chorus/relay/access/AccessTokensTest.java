package chorus.relay.access;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ErrorCode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Tokens as the relay reads them: what is accepted, and each forgery refused with its code. */
class AccessTokensTest {
    private final Tokens tokens = new Tokens();

    AccessTokensTest() throws Exception {
    }

    private ErrorCode refusal(String token, String room) {
        return assertThrows(TokenRefusedException.class, () -> tokens.issuer.verify(token, room)).code();
    }

    @Test
    void aTokenSaysRoomIdentityNameAndGrants() throws Exception {
        String token = tokens.token("standup", "ada@example.org", "Ada", EnumSet.of(Grant.SUBSCRIBE, Grant.PRESENT));
        AccessToken t = tokens.issuer.verify(token, "standup");
        assertEquals("standup", t.room());
        assertEquals("ada@example.org", t.identity());
        assertEquals("Ada", t.name());
        assertEquals(Set.of(Grant.SUBSCRIBE, Grant.PRESENT), t.grants());
        assertTrue(t.expiresAt().isAfter(Instant.now().plus(Duration.ofMinutes(59))));
        String header = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[0]));
        assertEquals("{\"typ\":\"JWT\",\"alg\":\"HS256\"}", header);
    }

    @Test
    void withoutAGrantsClaimEverythingIsGranted() throws Exception {
        String token = Tokens.signed(tokens.key, Tokens.claims("r", "id", "Ada", Duration.ofMinutes(5)).build());
        assertEquals(Grant.ALL, tokens.issuer.verify(token, "r").grants());
    }

    @Test
    void noTokenIsRefused() {
        assertEquals(ErrorCode.INVALID_TOKEN, refusal(null, "r"));
        assertEquals(ErrorCode.INVALID_TOKEN, refusal("", "r"));
        assertEquals(ErrorCode.INVALID_TOKEN, refusal("not.a.jwt", "r"));
    }

    @Test
    void aTokenForAnotherRoomIsRefused() {
        assertEquals(ErrorCode.INVALID_TOKEN, refusal(tokens.token("room-a", "id", "Ada"), "room-b"));
    }

    @Test
    void anExpiredTokenIsRefusedAsExpired() {
        String token = tokens.issuer.issue("r", "id", "Ada", Duration.ofHours(1), Grant.ALL,
                Instant.now().minus(Duration.ofHours(2)));
        assertEquals(ErrorCode.TOKEN_EXPIRED, refusal(token, "r"));
    }

    @Test
    void aChangedClaimBreaksTheSignature() {
        String token = tokens.token("r", "mallory", "Mallory");
        String payload = Tokens.payload(token);
        assertEquals(ErrorCode.INVALID_TOKEN, refusal(Tokens.withPayload(token,
                payload.replace("\"Mallory\"", "\"Ada\"")), "r"));
        assertEquals(ErrorCode.INVALID_TOKEN, refusal(Tokens.withPayload(token,
                payload.replace("\"r\"", "\"other\"")), "other"));
    }

    @Test
    void aChangedSignatureIsRefused() {
        String token = tokens.token("r", "id", "Ada");
        char last = token.charAt(token.length() - 5);
        String flipped = token.substring(0, token.length() - 5) + (last == 'A' ? 'B' : 'A') + token.substring(token.length() - 4);
        assertEquals(ErrorCode.INVALID_TOKEN, refusal(flipped, "r"));
    }

    @Test
    void anUnsignedTokenAlgNoneIsRefused() {
        String payload = Tokens.payload(tokens.token("r", "id", "Ada"));
        String none = Tokens.b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Tokens.b64(payload) + ".";
        assertEquals(ErrorCode.INVALID_TOKEN, refusal(none, "r"));
    }

    @Test
    void anotherKeyOrAnotherAlgorithmIsRefused() throws Exception {
        byte[] other = new byte[32];
        other[0] = 1;
        assertEquals(ErrorCode.INVALID_TOKEN, refusal(Tokens.signed(other,
                Tokens.claims("r", "id", "Ada", Duration.ofMinutes(5)).build()), "r"));
        byte[] longKey = new byte[64];
        System.arraycopy(tokens.key, 0, longKey, 0, 32);
        SignedJWT hs512 = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512),
                Tokens.claims("r", "id", "Ada", Duration.ofMinutes(5)).build());
        hs512.sign(new MACSigner(longKey));
        assertEquals(ErrorCode.INVALID_TOKEN, refusal(hs512.serialize(), "r"));
    }

    @Test
    void missingClaimsAndUnknownGrantsAreRefused() throws Exception {
        assertEquals(ErrorCode.INVALID_TOKEN, refusal(Tokens.signed(tokens.key,
                Tokens.claims("r", "id", "Ada", Duration.ofMinutes(5)).expirationTime(null).build()), "r"));
        assertEquals(ErrorCode.INVALID_TOKEN, refusal(Tokens.signed(tokens.key,
                Tokens.claims("r", null, "Ada", Duration.ofMinutes(5)).build()), "r"));
        assertEquals(ErrorCode.INVALID_TOKEN, refusal(Tokens.signed(tokens.key,
                Tokens.claims("r", "id", "Ada", Duration.ofMinutes(5)).claim("grants", List.of("admin")).build()), "r"));
    }

    @Test
    void aTokenWithABidiOverrideOrInvisibleNameIsRefused() throws Exception {
        for (String name : List.of("Ada\u202Egnp.exe", "\u3164", "\u2066Ada\u2069")) {
            assertEquals(ErrorCode.INVALID_NAME, refusal(Tokens.signed(tokens.key,
                    Tokens.claims("r", "id", name, Duration.ofMinutes(5)).build()), "r"));
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> tokens.token("r", "id", name), "not issued either");
            assertTrue(refused.getMessage().contains("name"), refused.getMessage());
        }
    }

    @Test
    void theNameIsNormalisedToNfc() throws Exception {
        String token = Tokens.signed(tokens.key, Tokens.claims("r", "id", "Zoe\u0308", Duration.ofMinutes(5)).build());
        assertEquals("Zo\u00EB", tokens.issuer.verify(token, "r").name());
    }

    @Test
    void theKeyFileIsMadeOnceOwnerOnlyAndThenKept() throws Exception {
        Path file = Path.of("target", "access-test", UUID.randomUUID() + "/token.key");
        byte[] made = TokenKey.loadOrCreate(file);
        assertEquals(32, made.length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(made, TokenKey.loadOrCreate(file), "read back, not made again");
        Files.writeString(file, "c2hvcnQ=\n");
        assertTrue(assertThrows(java.io.IOException.class, () -> TokenKey.loadOrCreate(file)).getMessage()
                .contains("at least 32"));
    }
}
