package chorus.protocol.process;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The line a relay prints on stdout once every socket listens, with the ports it really bound
 * (when 0 was asked), built and parsed here only:
 * <pre>
 * Chorus relay ready control=HOST:PORT video=PORT audio=PORT [cluster=HOST:PORT] files=PORT metrics=PORT|off tls=sha256:HEX|off
 * </pre>
 * Scripts rely on its start ({@code Chorus relay ready control=HOST:PORT video=PORT audio=PORT});
 * fields are only ever added at the end. The raw forwarder (a benchmark baseline) prints the same
 * fields after {@code Chorus raw forwarder ready}.
 *
 * @param server      what is ready: {@link #RELAY} or {@link #RAW_FORWARDER}
 * @param cluster     the node's cluster address {@code HOST:PORT}, or null when it runs alone
 * @param filesPort   the file service's port, or -1 when the line has none (the raw forwarder)
 * @param metricsPort the metrics port, or -1 when metrics are off or the line has none
 * @param tls         {@code sha256:HEX} (the control and file certificate's fingerprint), {@code off}
 *                    (plain text), or null when the line has none
 */
public record ReadyLine(String server, String controlHost, int controlPort, int videoPort, int audioPort,
                        String cluster, int filesPort, int metricsPort, String tls) {
    public static final String RELAY = "Chorus relay";
    public static final String RAW_FORWARDER = "Chorus raw forwarder";
    private static final String READY = " ready ";

    /** A relay's line. */
    public static ReadyLine relay(String controlHost, int controlPort, int videoPort, int audioPort, String cluster,
                                  int filesPort, int metricsPort) {
        return new ReadyLine(RELAY, controlHost, controlPort, videoPort, audioPort, cluster, filesPort, metricsPort,
                null);
    }

    /** The same line with a {@code tls} field: {@code sha256:HEX}, or {@code off}. */
    public ReadyLine withTls(String tls) {
        return new ReadyLine(server, controlHost, controlPort, videoPort, audioPort, cluster, filesPort, metricsPort, tls);
    }

    /** The certificate's fingerprint {@code sha256:HEX} when the relay speaks TLS; empty for plain text or no field. */
    public Optional<String> tlsFingerprint() {
        return tls == null || tls.equals("off") ? Optional.empty() : Optional.of(tls);
    }

    /** The control endpoint, {@code HOST:PORT}, as clients are given it. */
    public String control() {
        return controlHost + ":" + controlPort;
    }

    /** The line as printed. */
    @Override
    public String toString() {
        StringBuilder line = new StringBuilder(server).append(READY).append("control=").append(control())
                .append(" video=").append(videoPort).append(" audio=").append(audioPort);
        if (cluster != null) {
            line.append(" cluster=").append(cluster);
        }
        if (RELAY.equals(server)) {
            line.append(" files=").append(filesPort).append(" metrics=").append(metricsPort < 0 ? "off" : metricsPort);
        }
        if (tls != null) {
            line.append(" tls=").append(tls);
        }
        return line.toString();
    }

    /**
     * Reads a ready line of the relay or the raw forwarder; empty for any other line (a log line, or
     * a line that lacks one of the first fields). Unknown fields after them are ignored, so a reader
     * keeps working when fields are added.
     */
    public static Optional<ReadyLine> parse(String line) {
        String server = line.startsWith(RELAY + READY) ? RELAY
                : line.startsWith(RAW_FORWARDER + READY) ? RAW_FORWARDER : null;
        if (server == null) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String field : line.substring(server.length() + READY.length()).trim().split(" +")) {
            int eq = field.indexOf('=');
            if (eq > 0) {
                fields.putIfAbsent(field.substring(0, eq), field.substring(eq + 1));
            }
        }
        String control = fields.get("control");
        int colon = control == null ? -1 : control.lastIndexOf(':');
        try {
            if (colon <= 0 || !fields.containsKey("video") || !fields.containsKey("audio")) {
                return Optional.empty();
            }
            String metrics = fields.getOrDefault("metrics", "off");
            return Optional.of(new ReadyLine(server, control.substring(0, colon),
                    Integer.parseInt(control.substring(colon + 1)), Integer.parseInt(fields.get("video")),
                    Integer.parseInt(fields.get("audio")), fields.get("cluster"),
                    fields.containsKey("files") ? Integer.parseInt(fields.get("files")) : -1,
                    metrics.equals("off") ? -1 : Integer.parseInt(metrics), fields.get("tls")));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
