package chorus.client.load;

import java.util.List;

/**
 * A raw forwarder the load test measures beside the relay, by how it sends: one datagram per
 * send ({@code plain}) or a frame per receiver as one UDP GSO send ({@code gso}).
 */
enum Baseline {
    PLAIN("baseline", "plain"),
    GSO("baseline-gso", "gso");

    /** The side's name in reports and its log file's. */
    final String label;
    /** The raw forwarder's {@code --send} value. */
    final String send;

    Baseline(String label, String send) {
        this.label = label;
        this.send = send;
    }

    /** The arguments the forwarder is started with. */
    List<String> args() {
        return List.of("--send", send);
    }

    /**
     * {@code --baseline}'s value: plain, gso or both (plain first).
     *
     * @throws IllegalArgumentException for anything else
     */
    static List<Baseline> parse(String value) {
        return switch (value) {
            case "plain" -> List.of(PLAIN);
            case "gso" -> List.of(GSO);
            case "both" -> List.of(PLAIN, GSO);
            default -> throw new IllegalArgumentException("--baseline must be plain, gso or both, was '" + value + "'");
        };
    }
}
