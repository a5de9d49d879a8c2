package chorus.client.session;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Where a relay's control port listens, as typed on a command line: {@code HOST:PORT}, or
 * {@code [V6ADDRESS]:PORT} for an IPv6 literal.
 */
public record RelayAddress(String host, int port) {

    public RelayAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("relay host must not be empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("relay port " + port + " is outside 1..65535");
        }
    }

    /** Parses {@code HOST:PORT}; the message of the exception says what was expected. */
    public static RelayAddress parse(String text) {
        String s = text == null ? "" : text.trim();
        String host;
        String portText;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw malformed(text);
            }
            host = s.substring(1, close);
            portText = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw malformed(text);
            }
            host = s.substring(0, colon);
            portText = s.substring(colon + 1);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw malformed(text);
        }
        return new RelayAddress(host, port);
    }

    /**
     * The relay nodes a clustered relay names ({@code welcome.nodes}, {@code nodes}, {@code move}),
     * those that parse, in order; one that does not is left out (and logged).
     */
    public static List<RelayAddress> parseNodes(List<String> endpoints) {
        List<RelayAddress> nodes = new ArrayList<>();
        for (String endpoint : endpoints) {
            try {
                nodes.add(parse(endpoint));
            } catch (IllegalArgumentException e) {
                LoggerFactory.getLogger(RelayAddress.class).debug("ignoring node endpoint {}: {}",
                        endpoint, e.getMessage());
            }
        }
        return nodes;
    }

    private static IllegalArgumentException malformed(String text) {
        return new IllegalArgumentException("expected HOST:PORT (or [IPv6]:PORT), got '" + text + "'");
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
