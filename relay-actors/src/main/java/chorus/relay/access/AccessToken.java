package chorus.relay.access;

import java.time.Instant;
import java.util.Set;

/**
 * What a verified token says: the room it admits to, who it is ({@code sub}; one identity is one
 * participant in a room), the display name shown (NFC), when it expires and what it grants.
 */
public record AccessToken(String room, String identity, String name, Instant expiresAt, Set<Grant> grants) {
    public AccessToken {
        grants = Set.copyOf(grants);
    }

    /** What a hello without a token gets in the open mode: every grant, no identity. */
    public static AccessToken open(String room, String name) {
        return new AccessToken(room, null, name, null, Grant.ALL);
    }

    public boolean allows(Grant grant) {
        return grants.contains(grant);
    }
}
