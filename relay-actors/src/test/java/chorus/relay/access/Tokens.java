package chorus.relay.access;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Set;
import java.util.UUID;

/**
 * For the access tests: a relay configuration in the tokens mode with a key file of its own, tokens
 * made with that key, and the forgeries an attacker would try (written by hand, so nothing in the
 * relay's own issuing refuses them first).
 */
public final class Tokens {
    public final Path keyFile;
    public final AccessTokens issuer;
    public final byte[] key;

    public Tokens() throws Exception {
        keyFile = Path.of("target", "access-test", UUID.randomUUID() + ".key").toAbsolutePath();
        key = TokenKey.loadOrCreate(keyFile);
        issuer = new AccessTokens(key);
    }

    /** A relay that requires tokens signed with this key. */
    public Config relayConfig() {
        return ConfigFactory.parseString("chorus.relay.access { mode = tokens, token-key-file = \""
                + keyFile.toString().replace("\\", "/") + "\" }");
    }

    public String token(String room, String identity, String name) {
        return issuer.issue(room, identity, name, Duration.ofHours(1), Grant.ALL, Instant.now());
    }

    public String token(String room, String identity, String name, Set<Grant> grants) {
        return issuer.issue(room, identity, name, Duration.ofHours(1), grants, Instant.now());
    }

    /** A JWT with whatever claims, signed HS256 with {@code key}: what a holder of the key (or a forger without it) makes. */
    public static String signed(byte[] key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }

    public static JWTClaimsSet.Builder claims(String room, String identity, String name, Duration ttl) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(identity).claim("room", room).claim("name", name)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl)));
    }

    /** {@code token} with its payload replaced by {@code json}, the signature kept. */
    public static String withPayload(String token, String json) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + b64(json) + "." + parts[2];
    }

    /** The payload of {@code token} as JSON text. */
    public static String payload(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    public static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
