package chorus.relay.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On Kubernetes, the files every relay pod must hold the same of, which {@code k8s/relay.yaml}
 * mounts from Secrets: the token signing key ({@code chorus-token-key}: a token issued with it is
 * good on every relay) and the control port's certificate ({@code chorus-tls}: a client that pinned
 * it meets the same one on the relay it moves to). The first pods start before those Secrets exist
 * (their volumes are optional): a relay whose mounted file is missing reads the Secret through the
 * API or makes it ({@link KubernetesSecret}), keeps a private copy, and points its setting there.
 * The cluster certificate is done the same way by {@link ClusterTls}.
 */
public final class KubernetesFiles implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KubernetesFiles.class);

    /** A Secret's key for the file that a setting names. */
    private record File(String setting, String key) {
    }

    private record Shared(String secretSetting, String type, List<File> files, Supplier<Map<String, byte[]>> make) {
    }

    private static final List<Shared> SHARED = List.of(
            new Shared("chorus.relay.kubernetes.token-key-secret", "Opaque",
                    List.of(new File("chorus.relay.access.token-key-file", "key")), KubernetesFiles::newTokenKey),
            new Shared("chorus.relay.kubernetes.tls-secret", KubernetesSecret.TLS_TYPE,
                    List.of(new File("chorus.relay.tls.certificate", ClusterCertificates.CERTIFICATE),
                            new File("chorus.relay.tls.private-key", ClusterCertificates.PRIVATE_KEY)),
                    KubernetesFiles::newControlCertificate));

    /** Off Kubernetes: nothing replaced. */
    public static final KubernetesFiles NONE = new KubernetesFiles(Map.of(), List.of());

    private final Map<String, String> replaced;
    private final List<Path> copies;

    private KubernetesFiles(Map<String, String> replaced, List<Path> copies) {
        this.replaced = replaced;
        this.copies = copies;
    }

    /**
     * {@code resolved} with each shared file that is named but missing replaced by a private copy of
     * the relays' Secret.
     *
     * @param api the configuration {@link KubernetesSecret} reaches the API with
     */
    public static KubernetesFiles apply(Config resolved, Config api) throws IOException {
        Config config = resolved;
        Map<String, String> replaced = new HashMap<>();
        List<Path> copies = new ArrayList<>();
        try {
            for (Shared shared : SHARED) {
                if (!needed(config, shared)) {
                    continue;
                }
                String name = config.getString(shared.secretSetting());
                Map<String, byte[]> data = KubernetesSecret.readOrCreate(api, name, shared.type(), shared.make());
                Path dir = Files.createTempDirectory("chorus-" + name + "-");
                dir.toFile().deleteOnExit();
                copies.add(dir);
                for (File f : shared.files()) {
                    byte[] content = data.get(f.key());
                    if (content == null) {
                        throw new IOException("Secret " + name + " has no " + f.key() + ": delete it (the relays make "
                                + "a new one) or put it there (k8s/README.md)");
                    }
                    Path copy = dir.resolve(f.key());
                    Files.write(copy, content);
                    config = config.withValue(f.setting(), ConfigValueFactory.fromAnyRef(copy.toString()));
                    replaced.put(f.setting(), copy.toString());
                }
                log.info("{} from Secret {} (the mounted file is not there yet)", shared.files().get(0).setting(), name);
            }
        } catch (IOException | RuntimeException e) {
            new KubernetesFiles(replaced, copies).close();
            throw e;
        }
        return new KubernetesFiles(replaced, copies);
    }

    /**
     * Named (the manifests name the mounted files), and not all there. Made even while the setting's
     * feature is off (a plain-text or open relay): cheap, and the Secret is there when it is turned on.
     */
    private static boolean needed(Config config, Shared shared) {
        for (File f : shared.files()) {
            if (!config.hasPath(f.setting()) || config.getString(f.setting()).isBlank()) {
                return false;
            }
        }
        return shared.files().stream().anyMatch(f -> !Files.isRegularFile(Path.of(config.getString(f.setting()))));
    }

    /** An HS256 key: 32 random bytes, as base64 text. */
    private static Map<String, byte[]> newTokenKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Map.of("key", Base64.getEncoder().encodeToString(key).getBytes(StandardCharsets.US_ASCII));
    }

    /** A certificate for the relays' control port and file service, which clients pin on first use. */
    private static Map<String, byte[]> newControlCertificate() {
        try {
            return ClusterCertificates.selfSigned("chorus-relay", List.of("chorus-relay"), Duration.ofDays(3650)).files();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the relays' certificate: " + e.getMessage(), e);
        }
    }

    /** {@code config} with the copies' paths in place of the missing files. */
    public Config applyTo(Config config) {
        for (Map.Entry<String, String> e : replaced.entrySet()) {
            config = config.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
        }
        return config;
    }

    @Override
    public void close() {
        for (Path dir : copies) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                log.debug("could not delete {}: {}", dir, e.toString());
            }
        }
    }
}
