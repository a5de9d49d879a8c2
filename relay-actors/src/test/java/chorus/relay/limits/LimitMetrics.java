package chorus.relay.limits;

import chorus.relay.RelayNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code chorus_limit_hits_total{limit=...}} from a relay's {@code /metrics}, as Prometheus would. */
final class LimitMetrics {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private LimitMetrics() {
    }

    /** The count of {@code limit}, or -1 when the relay exports no such series. */
    static long hits(RelayNode relay, String limit) throws Exception {
        return value(relay, "chorus_limit_hits_total{limit=\"" + limit + "\"}");
    }

    /** The value of the series written exactly {@code series} (name and labels), or -1 when there is none. */
    static long value(RelayNode relay, String series) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.metricsPort() + "/metrics"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }
}
