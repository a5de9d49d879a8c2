/**
 * Who may join: access tokens (signed JWT, HS256 with the relay's key) naming a room, an identity,
 * a display name, an expiry and grants; the relay's key file; the access mode (tokens or open).
 */
package chorus.relay.access;
