package chorus.client.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A relay node's own count of the video it forwarded, read from its Prometheus text on
 * {@code GET /metrics} (metrics port from its ready line): {@value #FORWARDED} summed by its
 * {@code layer} label. The relay's side of what the generator counts at its receivers, between
 * nodes included.
 */
final class RelayMetrics {
    static final String FORWARDED = "chorus_video_forwarded_datagrams_total";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern LAYER = Pattern.compile("layer=\"([^\"]*)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private RelayMetrics() {
    }

    /**
     * The node's forwarded video datagrams so far by layer label ("" for a sample without one), or
     * null when the node has no metrics port, does not answer, or does not export the counter.
     */
    static Map<String, Double> forwardedByLayer(int metricsPort) {
        if (metricsPort <= 0) {
            return null;
        }
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? sumByLayer(response.body(), FORWARDED) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** {@code metric}'s samples in Prometheus text summed by layer label; null when it has none. */
    static Map<String, Double> sumByLayer(String text, String metric) {
        Map<String, Double> sums = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(metric)) {
                continue;
            }
            String rest = line.substring(metric.length());
            if (!rest.startsWith("{") && !rest.startsWith(" ")) {
                continue; // another metric whose name starts with this one
            }
            int close = rest.startsWith("{") ? rest.indexOf('}') : -1;
            String labels = close < 0 ? "" : rest.substring(1, close);
            String[] value = rest.substring(close + 1).strip().split("\\s+");
            try {
                Matcher m = LAYER.matcher(labels);
                sums.merge(m.find() ? m.group(1) : "", Double.parseDouble(value[0]), Double::sum);
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return sums.isEmpty() ? null : sums;
    }

    /** Per layer, what was forwarded between two readings, per second of {@code seconds}; null unless both read. */
    static Map<String, Double> ratePerSecond(Map<String, Double> before, Map<String, Double> after, double seconds) {
        if (before == null || after == null || seconds <= 0) {
            return null;
        }
        Map<String, Double> rate = new TreeMap<>();
        after.forEach((layer, v) -> rate.put(layer, LoadReport.round((v - before.getOrDefault(layer, 0.0)) / seconds, 1)));
        return rate;
    }
}
