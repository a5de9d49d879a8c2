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

    /** What one reading of a node's metrics gives: forwarded video by layer, and how its UDP sends went. */
    record Scrape(Map<String, Double> forwardedByLayer, Map<String, Double> udpSends) {
    }

    /** The relay's counters of how it sends (README "The media path"), by the keys the report uses. */
    static final Map<String, String> UDP_SENDS = new java.util.LinkedHashMap<>();

    static {
        UDP_SENDS.put("framesWhole", "chorus_media_frames_sent_total{how=\"whole\"}");
        UDP_SENDS.put("framesSplit", "chorus_media_frames_sent_total{how=\"split\"}");
        UDP_SENDS.put("framesSentEarly", "chorus_media_frames_sent_early_total");
        UDP_SENDS.put("segmentedSends", "chorus_media_segmented_sends_total");
        UDP_SENDS.put("segmentedDatagrams", "chorus_media_segmented_datagrams_total");
    }

    /**
     * The node's counters so far, or null when the node has no metrics port or does not answer;
     * either map is null when the node does not export those counters.
     */
    static Scrape scrape(int metricsPort) {
        if (metricsPort <= 0) {
            return null;
        }
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    ? new Scrape(sumByLayer(response.body(), FORWARDED), udpSends(response.body())) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The {@link #UDP_SENDS} counters in Prometheus text, by key; null when it has none of them. */
    static Map<String, Double> udpSends(String text) {
        Map<String, Double> found = new java.util.LinkedHashMap<>();
        for (String line : text.split("\n")) {
            for (Map.Entry<String, String> e : UDP_SENDS.entrySet()) {
                if (line.startsWith(e.getValue() + " ")) {
                    try {
                        found.put(e.getKey(), Double.parseDouble(line.substring(e.getValue().length()).strip()));
                    } catch (NumberFormatException ignored) {
                        // not a sample line
                    }
                }
            }
        }
        return found.isEmpty() ? null : found;
    }

    /** What each counter grew by between two readings; null unless both read. */
    static Map<String, Double> growth(Map<String, Double> before, Map<String, Double> after) {
        if (before == null || after == null) {
            return null;
        }
        Map<String, Double> grown = new java.util.LinkedHashMap<>();
        after.forEach((k, v) -> grown.put(k, v - before.getOrDefault(k, 0.0)));
        return grown;
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
