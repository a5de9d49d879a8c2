package chorus.relay.access;

import chorus.protocol.control.ErrorCode;
import chorus.protocol.control.Names;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Issues and verifies access tokens: compact JWS (RFC 7515) with {@code alg: HS256} and the
 * relay's key, claims {@code room}, {@code sub} (identity), {@code name}, {@code grants},
 * {@code iat}, {@code nbf}, {@code exp} (PROTOCOL.md §2.11). Verification goes through Nimbus's
 * JWT processor: only HS256 with this key is accepted (so {@code alg: none} and other algorithms
 * are refused), then the claims are checked.
 */
public final class AccessTokens {
    /** Clock difference between an issuer and this relay that {@code exp} and {@code nbf} tolerate. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(10);
    /** Longest identity ({@code sub}) accepted, in code points. */
    public static final int MAX_IDENTITY_LENGTH = 256;
    static final String ROOM = "room";
    static final String NAME = "name";
    static final String GRANTS = "grants";

    private final byte[] key;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public AccessTokens(byte[] key) {
        if (key.length < TokenKey.MIN_BYTES) {
            throw new IllegalArgumentException("an HS256 key needs at least " + TokenKey.MIN_BYTES + " bytes");
        }
        this.key = key.clone();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(this.key)));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(null,
                Set.of("sub", ROOM, NAME, "exp"));
        claims.setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /**
     * A token for {@code identity} named {@code name} in {@code room}, valid from {@code now} for
     * {@code ttl}, granting {@code grants}.
     *
     * @throws IllegalArgumentException when the room, name or identity break the rules (said why)
     */
    public String issue(String room, String identity, String name, Duration ttl, Set<Grant> grants, Instant now) {
        String problem = problem(room, identity, name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the time to live must be positive");
        }
        Instant issued = Instant.ofEpochSecond(now.getEpochSecond());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(identity)
                .claim(ROOM, Names.normalize(room))
                .claim(NAME, Names.normalize(name))
                .claim(GRANTS, grants.stream().sorted().map(Grant::wire).toList())
                .issueTime(Date.from(issued))
                .notBeforeTime(Date.from(issued))
                .expirationTime(Date.from(issued.plus(ttl)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /** Why a token could not carry these, or null. */
    private static String problem(String room, String identity, String name) {
        String problem = Names.problem("room name", room);
        if (problem == null) {
            problem = Names.problem("name", name);
        }
        if (problem == null) {
            problem = identityProblem(identity);
        }
        return problem;
    }

    private static String identityProblem(String identity) {
        if (identity == null || identity.isBlank()) {
            return "identity must not be empty";
        }
        if (identity.codePointCount(0, identity.length()) > MAX_IDENTITY_LENGTH) {
            return "identity is longer than " + MAX_IDENTITY_LENGTH + " characters";
        }
        if (identity.chars().anyMatch(Character::isISOControl)) {
            return "identity must not contain control characters";
        }
        return null;
    }

    /**
     * What {@code token} says, if it admits its holder to {@code room} now.
     *
     * @throws TokenRefusedException {@code invalid-token} (absent, not a JWT, not HS256 with this
     *                               relay's key, a claim missing or of the wrong type, another room),
     *                               {@code token-expired}, or {@code invalid-name} (its name breaks the rules)
     */
    public AccessToken verify(String token, String room) throws TokenRefusedException {
        if (token == null || token.isBlank()) {
            throw new TokenRefusedException(ErrorCode.INVALID_TOKEN,
                    "this relay admits only holders of an access token; ask whoever runs it for one (chorus token)");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ExpiredJWTException e) {
            throw new TokenRefusedException(ErrorCode.TOKEN_EXPIRED, "the access token has expired; ask for a new one");
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new TokenRefusedException(ErrorCode.INVALID_TOKEN, "the access token is not valid here ("
                    + e.getMessage() + ")");
        }
        try {
            String tokenRoom = Names.normalize(claims.getStringClaim(ROOM));
            String identity = claims.getSubject();
            String name = Names.normalize(claims.getStringClaim(NAME));
            if (!tokenRoom.equals(Names.normalize(room))) {
                throw new TokenRefusedException(ErrorCode.INVALID_TOKEN, "the access token is for room '" + tokenRoom
                        + "', not '" + room + "'");
            }
            String identityProblem = identityProblem(identity);
            if (identityProblem != null) {
                throw new TokenRefusedException(ErrorCode.INVALID_TOKEN, "the access token's " + identityProblem);
            }
            String nameProblem = Names.problem("the access token's name", name);
            if (nameProblem != null) {
                throw new TokenRefusedException(ErrorCode.INVALID_NAME, nameProblem);
            }
            return new AccessToken(tokenRoom, identity, name, claims.getExpirationTime().toInstant(), grants(claims));
        } catch (ParseException e) {
            throw new TokenRefusedException(ErrorCode.INVALID_TOKEN, "the access token's claims are not valid ("
                    + e.getMessage() + ")");
        }
    }

    /** The {@code grants} claim: absent means all; an unknown name is refused rather than ignored (a typo would silently take a grant away). */
    private static Set<Grant> grants(JWTClaimsSet claims) throws ParseException, TokenRefusedException {
        if (claims.getClaim(GRANTS) == null) {
            return Grant.ALL;
        }
        List<String> names = claims.getStringListClaim(GRANTS);
        Set<Grant> grants = EnumSet.noneOf(Grant.class);
        for (String name : names) {
            Grant g = Grant.ofWire(name);
            if (g == null) {
                throw new TokenRefusedException(ErrorCode.INVALID_TOKEN, "the access token has an unknown grant '"
                        + name + "'");
            }
            grants.add(g);
        }
        return grants;
    }
}
