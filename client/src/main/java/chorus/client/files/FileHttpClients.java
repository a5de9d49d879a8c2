package chorus.client.files;

import chorus.protocol.tls.PinnedTrustManager;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP clients file transfers go through: one for every plain-text file service in this JVM
 * (its threads are daemons and its connections pooled), and one per relay certificate for HTTPS,
 * trusting that certificate only (the one the control connection trusted). Each goes direct, never
 * through a proxy (media does not go through one either), speaks HTTP/1.1 as the file service
 * does, and follows no redirects.
 */
final class FileHttpClients {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final HttpClient PLAIN = builder().build();
    private static final ConcurrentHashMap<String, HttpClient> PINNED = new ConcurrentHashMap<>();

    private FileHttpClients() {
    }

    /** The client for the relay whose certificate has this fingerprint ({@code sha256:HEX}). */
    static HttpClient pinned(String fingerprint) {
        return PINNED.computeIfAbsent(fingerprint, f -> builder().sslContext(PinnedTrustManager.context(f)).build());
    }

    private static HttpClient.Builder builder() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT);
    }
}
