package chorus.client.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What an access token says about its holder, read by the client without verifying it (only the
 * relay holds the key): the room and display name to show before joining. The relay decides.
 */
public record TokenPeek(String room, String name) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The token's {@code room} and {@code name} claims.
     *
     * @throws IllegalArgumentException when it is not a JWT with those claims
     */
    public static TokenPeek of(String token) {
        String[] parts = token == null ? new String[0] : token.strip().split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("an access token is three base64url parts separated by dots");
        }
        try {
            JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            JsonNode room = claims.get("room");
            JsonNode name = claims.get("name");
            if (room == null || !room.isTextual() || name == null || !name.isTextual()) {
                throw new IllegalArgumentException("the access token names no room or no name");
            }
            return new TokenPeek(room.asText(), name.asText());
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith("the access token") ? e
                    : new IllegalArgumentException("the access token is not base64url JSON (" + e.getMessage() + ")");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the access token's claims are not JSON (" + e.getMessage() + ")");
        }
    }

    /** The token's name, or null when it cannot be read (the relay will refuse the token and say why). */
    public static String nameOrNull(String token) {
        try {
            return of(token).name();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
