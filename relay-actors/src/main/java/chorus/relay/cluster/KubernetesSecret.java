package chorus.relay.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What relay pods must share, kept in a Kubernetes Secret so that every pod has the same with no
 * manual step: the cluster secret, and the cluster certificate (Artery mutual TLS). Read through the
 * Kubernetes API, or made when the Secret does not exist yet. The API server creates a name once,
 * so when pods start together one creation wins and the others read the winner's value. Pods
 * started once it exists get it from {@code k8s/relay.yaml} (the cluster secret as
 * {@code CHORUS_CLUSTER_SECRET}, the certificate mounted at {@code /etc/chorus/cluster-tls}) and never come here.
 * Reaches the API as Kubernetes API discovery does ({@code pekko.discovery.kubernetes-api}: the
 * service account's token, CA and namespace).
 */
public final class KubernetesSecret {
    /** The Secret's key holding the value ({@code k8s/relay.yaml}'s {@code secretKeyRef} names it). */
    public static final String KEY = "secret";
    /** The type of a Secret holding a certificate ({@code tls.crt}, {@code tls.key}; cert-manager adds {@code ca.crt}). */
    public static final String TLS_TYPE = "kubernetes.io/tls";
    private static final int ATTEMPTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(KubernetesSecret.class);

    private final HttpClient http;
    private final URI secrets;
    private final String namespace;
    private final String name;
    private final String token;
    private final String label;

    private KubernetesSecret(HttpClient http, URI secrets, String namespace, String name, String token, String label) {
        this.http = http;
        this.secrets = secrets;
        this.namespace = namespace;
        this.name = name;
        this.token = token;
        this.label = label;
    }

    /**
     * The value of Secret {@code chorus.relay.kubernetes.cluster-secret} in the pod's namespace,
     * made first if there is none.
     *
     * @throws IOException with what to do, when the API cannot be reached or refuses
     */
    public static String readOrCreate(Config config) throws IOException {
        String name = config.getString("chorus.relay.kubernetes.cluster-secret");
        byte[] value = from(config, name, "CHORUS_CLUSTER_SECRET").readOrCreate("Opaque", () -> {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return Map.of(KEY, Base64.getEncoder().encodeToString(random).getBytes(StandardCharsets.UTF_8));
        }).get(KEY);
        String secret = value == null ? "" : new String(value, StandardCharsets.UTF_8);
        if (secret.isBlank()) {
            throw new IOException("Secret " + name + " has no data." + KEY + ": delete it (the relays make a new one) "
                    + "or put the cluster secret there");
        }
        return secret;
    }

    /**
     * The data of Secret {@code name} (of {@code type}) in the pod's namespace, made from {@code make}
     * first if there is none.
     *
     * @throws IOException with what to do, when the API cannot be reached or refuses
     */
    public static Map<String, byte[]> readOrCreate(Config config, String name, String type,
                                                   Supplier<Map<String, byte[]>> make) throws IOException {
        return from(config, name, "CHORUS_CLUSTER_TLS_DIR").readOrCreate(type, make);
    }

    private static KubernetesSecret from(Config config, String name, String instead) throws IOException {
        Config api = config.getConfig("pekko.discovery.kubernetes-api");
        String host = System.getenv(api.getString("api-service-host-env-name"));
        String port = System.getenv(api.getString("api-service-port-env-name"));
        if (host == null || host.isBlank() || port == null || port.isBlank()) {
            throw new IOException("Secret " + name + " cannot be read: this is not a Kubernetes pod ($"
                    + api.getString("api-service-host-env-name") + " is unset): set " + instead);
        }
        String namespace = api.getString("pod-namespace");
        if (namespace.equals("<pod-namespace>")) {
            Path file = Path.of(api.getString("pod-namespace-path"));
            namespace = Files.exists(file) ? Files.readString(file).trim() : "default";
        }
        URI secrets = URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
                + "/api/v1/namespaces/" + namespace + "/secrets");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).sslContext(trusting(Path.of(api.getString("api-ca-path"))))
                .build();
        String token = readServiceAccountFile(Path.of(api.getString("api-token-path")), instead).trim();
        String label = config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name");
        return new KubernetesSecret(http, secrets, namespace, name, token, label);
    }

    private static String readServiceAccountFile(Path file, String instead) throws IOException {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IOException("cannot read " + file + " to reach the Kubernetes API for what the relays share ("
                    + e + "); mount the service account token (automountServiceAccountToken) or set " + instead, e);
        }
    }

    /** TLS that trusts the API server's CA (the service account's {@code ca.crt}) and nothing else. */
    private static SSLContext trusting(Path caFile) throws IOException {
        try (InputStream in = new ByteArrayInputStream(
                readServiceAccountFile(caFile, "the Kubernetes API's CA").getBytes(StandardCharsets.US_ASCII))) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("kubernetes-ca-" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the Kubernetes API's CA from " + caFile + ": " + e.getMessage(), e);
        }
    }

    private Map<String, byte[]> readOrCreate(String type, Supplier<Map<String, byte[]>> make) throws IOException {
        IOException last = new IOException(where() + " was made and gone again " + ATTEMPTS + " times");
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<String> got = send(HttpRequest.newBuilder(URI.create(secrets + "/" + name)).GET());
                if (got.statusCode() == 200) {
                    log.info("read {}", where());
                    return data(got.body());
                }
                if (got.statusCode() != 404) {
                    throw refused("read", got);
                }
                Map<String, byte[]> mine = make.get();
                HttpResponse<String> made = send(HttpRequest.newBuilder(secrets)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body(type, mine))));
                if (made.statusCode() == 200 || made.statusCode() == 201) {
                    log.info("made {}, which the other relays will read", where());
                    return mine;
                }
                if (made.statusCode() == 409) {
                    continue; // another pod made it first: read theirs
                }
                throw refused("create", made);
            } catch (Unavailable e) {
                last = e;
            }
            sleep(attempt);
        }
        throw last;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 500) {
                throw new Unavailable(where() + " answered " + response.statusCode() + ": " + response.body(), null);
            }
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + where(), e);
        } catch (Unavailable e) {
            throw e;
        } catch (IOException e) {
            throw new Unavailable("cannot reach " + where() + ": " + e, e);
        }
    }

    private Map<String, byte[]> data(String secretJson) throws IOException {
        Map<String, byte[]> data = new HashMap<>();
        JSON.readTree(secretJson).path("data").fields().forEachRemaining(e ->
                data.put(e.getKey(), Base64.getDecoder().decode(e.getValue().asText(""))));
        return data;
    }

    private String body(String type, Map<String, byte[]> data) throws IOException {
        ObjectNode secret = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Secret").put("type", type);
        ObjectNode metadata = secret.putObject("metadata").put("name", name);
        metadata.putObject("labels").put("app.kubernetes.io/name", label);
        ObjectNode values = secret.putObject("data");
        data.forEach((k, v) -> values.put(k, Base64.getEncoder().encodeToString(v)));
        return JSON.writeValueAsString(secret);
    }

    private IOException refused(String what, HttpResponse<String> response) {
        JsonNode status;
        try {
            status = JSON.readTree(response.body());
        } catch (IOException e) {
            status = null;
        }
        String message = status == null ? response.body() : status.path("message").asText(response.body());
        return new IOException("the Kubernetes API did not let this pod " + what + " " + where() + " ("
                + response.statusCode() + ": " + message + "); the relays' Role needs get and create on secrets "
                + "(k8s/rbac.yaml), or create the Secret yourself (k8s/README.md)");
    }

    private String where() {
        return "Secret " + namespace + "/" + name;
    }

    private static void sleep(int attempt) throws IOException {
        try {
            Thread.sleep(500L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the Kubernetes API", e);
        }
    }

    /** The API could not be reached or failed; worth trying again. */
    private static final class Unavailable extends IOException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
