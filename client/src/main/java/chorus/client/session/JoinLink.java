package chorus.client.session;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A join link, what an organiser sends to invite someone:
 * {@code chorus://HOST:PORT/ROOM?token=JWT[&fingerprint=sha256:HEX]} (PROTOCOL.md §2.11). The room
 * is percent-encoded; {@code fingerprint}, when present, is the relay's TLS certificate to expect.
 */
public record JoinLink(RelayAddress relay, String room, String token, String fingerprint) {
    public static final String SCHEME = "chorus";

    /** True when {@code text} looks like a link rather than a bare token. */
    public static boolean isLink(String text) {
        return text != null && text.strip().regionMatches(true, 0, SCHEME + "://", 0, SCHEME.length() + 3);
    }

    /**
     * Parses a join link.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static JoinLink parse(String text) {
        if (!isLink(text)) {
            throw new IllegalArgumentException("a join link starts with chorus://");
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid join link (" + e.getMessage() + ")");
        }
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("a join link names the relay as chorus://HOST:PORT/ROOM?token=...");
        }
        RelayAddress relay = RelayAddress.parse(uri.getHost() + ":" + uri.getPort());
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String room = URLDecoder.decode(path.startsWith("/") ? path.substring(1) : path, StandardCharsets.UTF_8);
        if (room.isEmpty()) {
            throw new IllegalArgumentException("the join link names no room (chorus://HOST:PORT/ROOM?token=...)");
        }
        String token = null;
        String fingerprint = null;
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (key.equals("token")) {
                    token = value;
                } else if (key.equals("fingerprint")) {
                    fingerprint = value;
                }
            }
        }
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("the join link carries no token (?token=...)");
        }
        return new JoinLink(relay, room, token, fingerprint);
    }
}
