package chorus.relay;

import chorus.relay.cluster.ClusterCertificates;
import chorus.relay.cluster.DrainReadiness;
import chorus.relay.cluster.KubernetesSecret;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code k8s/} as Kubernetes would read it: rendered by {@code kubectl kustomize}, every object
 * parsed strictly with the fabric8 model (an unknown or misspelt field fails), and the wiring
 * between objects and with the relay's own settings checked.
 */
class K8sManifestsTest {
    private static final Path K8S = Path.of("..", "k8s").toAbsolutePath().normalize();
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ServiceAccount", ServiceAccount.class,
            "v1/Service", Service.class,
            "rbac.authorization.k8s.io/v1/Role", Role.class,
            "rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);

    /**
     * The fabric8 model keeps unknown fields in an "additional properties" map (a Jackson any-setter);
     * without it, FAIL_ON_UNKNOWN_PROPERTIES makes every unknown field an error.
     */
    static final ObjectMapper STRICT = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated a) {
                    return Boolean.FALSE;
                }
            });

    private static List<HasMetadata> objects;
    private static List<JsonNode> documents;

    @BeforeAll
    static void render() throws Exception {
        String yaml = kustomize(K8S);
        documents = new ArrayList<>();
        try (var docs = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    documents.add(doc);
                }
            }
        }
        objects = new ArrayList<>();
        for (JsonNode doc : documents) {
            objects.add(parse(doc));
        }
    }

    /** {@code kubectl kustomize DIR}; a missing kubectl fails the test (CI installs it: .ci/run). */
    static String kustomize(Path dir) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            return fail("kubectl is needed to render k8s/ (Debian: apt-get install kubernetes-client; .ci/run does): "
                    + e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize finished");
        assertEquals(0, p.exitValue(), "kubectl kustomize " + dir + " succeeded");
        return out.toString(StandardCharsets.UTF_8);
    }

    static HasMetadata parse(JsonNode doc) throws IOException {
        String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
        Class<? extends HasMetadata> type = KINDS.get(key);
        assertNotNull(type, "a kind this test knows how to check: " + key);
        return STRICT.treeToValue(doc, type);
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = all(type);
        assertEquals(1, found.size(), "one " + type.getSimpleName());
        return found.get(0);
    }

    private static StatefulSet relays() {
        return one(StatefulSet.class);
    }

    private static Container relay() {
        List<Container> containers = relays().getSpec().getTemplate().getSpec().getContainers();
        assertEquals(1, containers.size());
        return containers.get(0);
    }

    private static ContainerPort port(String name) {
        return relay().getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseGet(() -> fail("container port " + name));
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && selector.entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private static Map<String, String> podLabels() {
        return relays().getSpec().getTemplate().getMetadata().getLabels();
    }

    @Test
    void everyObjectParsesStrictlyAndLivesInTheChorusNamespace() {
        assertEquals(documents.size(), objects.size());
        assertTrue(objects.size() >= 10,
                "namespace, account, role, binding, relays, 2 services, budget, autoscaler, network policy");
        for (HasMetadata o : objects) {
            if (!(o instanceof Namespace)) {
                assertEquals("chorus", o.getMetadata().getNamespace(), o.getKind() + " " + o.getMetadata().getName());
            }
        }
        assertEquals("chorus", one(Namespace.class).getMetadata().getName());
    }

    @Test
    void theStrictParserRefusesAnUnknownField() {
        JsonNode sts = documents.stream().filter(d -> "StatefulSet".equals(d.path("kind").asText()))
                .findFirst().orElseThrow().deepCopy();
        ((ObjectNode) sts.path("spec").path("template").path("spec").path("containers").get(0))
                .put("imagePullPolcy", "Always");
        assertThrows(UnrecognizedPropertyException.class, () -> parse(sts));
    }

    @Test
    void probesUseTheManagementPortAndItsHealthPaths() {
        Config management = ConfigFactory.parseResources("chorus-kubernetes.conf")
                .withFallback(ConfigFactory.load()).resolve().getConfig("pekko.management");
        assertEquals(management.getInt("http.port"), port("management").getContainerPort());
        Probe readiness = relay().getReadinessProbe();
        Probe liveness = relay().getLivenessProbe();
        assertNotNull(readiness, "readiness probe");
        assertNotNull(liveness, "liveness probe");
        assertEquals("/" + management.getString("health-checks.readiness-path"), readiness.getHttpGet().getPath());
        assertEquals("/" + management.getString("health-checks.liveness-path"), liveness.getHttpGet().getPath());
        for (Probe p : List.of(readiness, liveness)) {
            IntOrString target = p.getHttpGet().getPort();
            assertTrue(relay().getPorts().stream().anyMatch(cp -> target.getStrVal() != null
                    ? target.getStrVal().equals(cp.getName()) : target.getIntVal().equals(cp.getContainerPort())),
                    "probe port " + target + " is a container port");
        }
    }

    @Test
    void aStoppedPodHasTimeToDrainAndReadsUnreadyWhileItDoes() {
        Config relay = ConfigFactory.load().getConfig("chorus.relay");
        long drain = relay.getDuration("drain.timeout").toSeconds();
        long grace = relays().getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        // The drain, then the hand-off of the rooms and leaving the cluster (about 10 s measured).
        assertTrue(grace >= drain + 15, "terminationGracePeriodSeconds " + grace + " leaves the " + drain
                + " s drain and the hand-off too little time");
        Config checks = ConfigFactory.parseResources("chorus-kubernetes.conf")
                .withFallback(ConfigFactory.load()).resolve().getConfig("pekko.management.health-checks.readiness-checks");
        assertTrue(checks.root().unwrapped().containsValue(DrainReadiness.class.getName()),
                "/ready includes the drain: " + checks.root().unwrapped());
    }

    @Test
    void theRoleCoversWhatKubernetesDiscoveryCallsAndIsBoundToTheRelaysAccount() {
        // KubernetesApiServiceDiscovery: GET /api/v1/namespaces/NS/pods?labelSelector=... (list, core group)
        Role role = one(Role.class);
        assertTrue(role.getRules().stream().anyMatch(r -> r.getApiGroups().contains("")
                        && r.getResources().contains("pods")
                        && r.getVerbs().containsAll(List.of("get", "watch", "list"))),
                "get, watch and list on pods");
        RoleBinding binding = one(RoleBinding.class);
        assertEquals("Role", binding.getRoleRef().getKind());
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
        String account = relays().getSpec().getTemplate().getSpec().getServiceAccountName();
        assertEquals(one(ServiceAccount.class).getMetadata().getName(), account);
        assertTrue(binding.getSubjects().stream().anyMatch(s -> "ServiceAccount".equals(s.getKind())
                && account.equals(s.getName()) && "chorus".equals(s.getNamespace())), "bound to " + account);
    }

    @Test
    void discoveryFindsThesePodsByTheLabelAndPortTheRelayLooksFor() {
        Config c = ConfigFactory.parseResources("chorus-kubernetes.conf").resolve();
        String selector = String.format(c.getString("pekko.discovery.kubernetes-api.pod-label-selector"),
                c.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name"));
        String[] kv = selector.split("=", 2);
        assertEquals(kv[1], podLabels().get(kv[0]), "pods carry " + selector);
        assertNotNull(port(c.getString("pekko.management.cluster.bootstrap.contact-point-discovery.port-name")));
        assertTrue(c.getBoolean("pekko.discovery.kubernetes-api.use-raw-ip"), "pods contacted on their IPs");
        assertTrue(relay().getEnv().stream().anyMatch(e -> e.getName().equals("CHORUS_KUBERNETES")
                && "true".equals(e.getValue())), "the relay runs with Kubernetes bootstrap on");
    }

    @Test
    void everyRelayHasTheClusterSecretFromOneSecretWhichTheRelaysMayMakeIfAbsent() {
        Config relayConfig = ConfigFactory.load().getConfig("chorus.relay");
        String name = relayConfig.getString("kubernetes.cluster-secret");
        EnvVar secret = relay().getEnv().stream().filter(e -> e.getName().equals("CHORUS_CLUSTER_SECRET"))
                .findFirst().orElseGet(() -> fail("CHORUS_CLUSTER_SECRET: without it each pod has its own"));
        assertNull(secret.getValue(), "not written into the manifest");
        SecretKeySelector ref = secret.getValueFrom().getSecretKeyRef();
        assertNotNull(ref, "from a Secret");
        assertEquals(name, ref.getName(), "the Secret the relays read and make (chorus.relay.kubernetes.cluster-secret)");
        assertEquals(KubernetesSecret.KEY, ref.getKey());
        // The first pods start before the Secret exists (one of them makes it), so it must be optional.
        assertEquals(Boolean.TRUE, ref.getOptional(), "pods start before the Secret exists");
        Role role = one(Role.class);
        assertTrue(role.getRules().stream().anyMatch(r -> r.getApiGroups().contains("")
                && r.getResources().contains("secrets") && r.getVerbs().contains("get")
                && r.getResourceNames().contains(name)
                && Set.of(name, "chorus-cluster-tls", "chorus-token-key", "chorus-tls").equals(Set.copyOf(r.getResourceNames()))),
                "get on that Secret and the others the relays share only: " + role.getRules());
        assertTrue(role.getRules().stream().anyMatch(r -> r.getApiGroups().contains("")
                && r.getResources().contains("secrets") && r.getVerbs().equals(List.of("create"))),
                "create (which cannot be narrowed to a name): " + role.getRules());
        assertTrue(role.getRules().stream().noneMatch(r -> r.getResources().contains("secrets")
                && (r.getVerbs().contains("list") || r.getVerbs().contains("watch") || r.getVerbs().contains("update"))),
                "no other verbs on secrets");
    }

    /** The rules of the one NetworkPolicy that admit traffic to {@code port} (a container port's number). */
    private static List<NetworkPolicyIngressRule> admitting(ContainerPort port) {
        NetworkPolicy policy = one(NetworkPolicy.class);
        return policy.getSpec().getIngress().stream().filter(r -> r.getPorts() == null || r.getPorts().isEmpty()
                || r.getPorts().stream().anyMatch(p -> port.getProtocol().equals(p.getProtocol() == null ? "TCP" : p.getProtocol())
                        && (p.getPort().getIntVal() != null ? p.getPort().getIntVal().equals(port.getContainerPort())
                        : p.getPort().getStrVal().equals(port.getName())))).toList();
    }

    private static boolean relayPodsOnly(NetworkPolicyPeer peer) {
        return peer.getNamespaceSelector() == null && peer.getIpBlock() == null && peer.getPodSelector() != null
                && selects(peer.getPodSelector().getMatchLabels(), podLabels());
    }

    @Test
    void theNetworkPolicyAdmitsRemotingAndManagementFromRelayPodsOnlyAndClientsToTheirPortsFromAnywhere() {
        NetworkPolicy policy = one(NetworkPolicy.class);
        assertTrue(selects(policy.getSpec().getPodSelector().getMatchLabels(), podLabels()), "applies to the relay pods");
        assertTrue(policy.getSpec().getPolicyTypes().contains("Ingress"), "restricts ingress");
        for (String name : List.of("remoting", "management")) {
            List<NetworkPolicyIngressRule> rules = admitting(port(name));
            assertFalse(rules.isEmpty(), name + " admitted from the other relays (bootstrap, Artery)");
            for (NetworkPolicyIngressRule r : rules) {
                assertTrue(r.getFrom() != null && !r.getFrom().isEmpty() && r.getFrom().stream()
                        .allMatch(K8sManifestsTest::relayPodsOnly), name + " from relay pods only: " + r);
            }
        }
        for (String name : List.of("control", "files", "video", "audio")) {
            assertTrue(admitting(port(name)).stream().anyMatch(r -> r.getFrom() == null || r.getFrom().isEmpty()),
                    name + " from anywhere (clients)");
        }
        List<NetworkPolicyIngressRule> metrics = admitting(port("metrics"));
        assertFalse(metrics.isEmpty(), "metrics can be scraped");
        for (NetworkPolicyIngressRule r : metrics) {
            assertTrue(r.getFrom() != null && !r.getFrom().isEmpty(), "metrics not from anywhere: " + r);
            for (NetworkPolicyPeer peer : r.getFrom()) {
                assertTrue(relayPodsOnly(peer) || (peer.getPodSelector() == null && peer.getIpBlock() == null
                        && !peer.getNamespaceSelector().getMatchLabels().isEmpty()),
                        "metrics from relay pods or a labelled monitoring namespace: " + peer);
            }
        }
        for (ContainerPort p : relay().getPorts()) {
            assertFalse(admitting(p).isEmpty(), "every container port is reachable by someone: " + p.getName());
        }
    }

    /** The Secret behind the volume mounted at the directory of {@code file}, and that file's key in it. */
    private static String[] secretBehind(String file) {
        Path path = Path.of(file);
        VolumeMount mount = relay().getVolumeMounts().stream()
                .filter(m -> path.getParent().equals(Path.of(m.getMountPath()))).findFirst()
                .orElseGet(() -> fail("a volume mounted at " + path.getParent()));
        assertEquals(Boolean.TRUE, mount.getReadOnly(), mount.getMountPath() + " read-only");
        Volume volume = relays().getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst()
                .orElseGet(() -> fail("volume " + mount.getName()));
        assertNotNull(volume.getSecret(), mount.getName() + " is a Secret");
        // The first relays start before the Secret exists and make it (KubernetesFiles, ClusterTls).
        assertEquals(Boolean.TRUE, volume.getSecret().getOptional(), volume.getSecret().getSecretName() + " optional");
        return new String[] {volume.getSecret().getSecretName(), path.getFileName().toString()};
    }

    private static String env(String name) {
        return relay().getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseGet(() -> fail(name + " set on the relay")).getValue();
    }

    @Test
    void theRelaysRunWithTokensTlsAndTheClusterCertificateFromTheirSecrets() {
        Config relayConfig = ConfigFactory.load().getConfig("chorus.relay");
        assertEquals("tokens", env("CHORUS_ACCESS_MODE"), "joining needs a token");
        assertEquals("chorus-token-key", secretBehind(env("CHORUS_TOKEN_KEY_FILE"))[0]);
        String[] cert = secretBehind(env("CHORUS_TLS_CERT"));
        String[] key = secretBehind(env("CHORUS_TLS_KEY"));
        assertEquals(List.of("chorus-tls", "tls.crt"), List.of(cert));
        assertEquals(List.of("chorus-tls", "tls.key"), List.of(key), "a kubernetes.io/tls Secret's keys");
        String clusterTls = env("CHORUS_CLUSTER_TLS_DIR");
        assertEquals(relayConfig.getString("kubernetes.cluster-tls-secret"),
                secretBehind(clusterTls + "/" + ClusterCertificates.CERTIFICATE)[0],
                "the Secret the relays read and make (chorus.relay.kubernetes.cluster-tls-secret)");
        Role role = one(Role.class);
        for (String secret : List.of("chorus-token-key", "chorus-tls", relayConfig.getString("kubernetes.cluster-tls-secret"),
                relayConfig.getString("kubernetes.cluster-secret"))) {
            assertTrue(role.getRules().stream().anyMatch(r -> r.getResources().contains("secrets")
                    && r.getVerbs().contains("get") && r.getResourceNames().contains(secret)),
                    "the relays may read " + secret + ": " + role.getRules());
        }
    }

    @Test
    void metricsAndManagementListenOnThePodsAddressNotOnEveryAddress() {
        var podIp = relay().getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null
                && "status.podIP".equals(e.getValueFrom().getFieldRef().getFieldPath())).findFirst()
                .orElseGet(() -> fail("the pod's IP from the downward API"));
        assertEquals("$(" + podIp.getName() + ")", env("CHORUS_CLUSTER_HOSTNAME"));
        // Metrics default to the cluster hostname on Kubernetes (RelayNode.metricsHost), unless set.
        relay().getEnv().stream().filter(e -> e.getName().equals("CHORUS_METRICS_HOST")).findFirst()
                .ifPresent(e -> assertEquals("$(" + podIp.getName() + ")", e.getValue(), "metrics on the pod's IP"));
        Config management = ConfigFactory.parseResources("chorus-kubernetes.conf").resolve();
        assertEquals("", management.getString("pekko.management.http.bind-hostname"),
                "management binds its hostname (RelayNode: the cluster hostname), not 0.0.0.0");
    }

    @Test
    void theControlServiceSelectsTheRelayPodsOnTcp5005() {
        Service control = all(Service.class).stream()
                .filter(s -> s.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == 5005))
                .findFirst().orElseGet(() -> fail("a Service on 5005"));
        assertTrue(selects(control.getSpec().getSelector(), podLabels()), "selects the relay pods");
        var p = control.getSpec().getPorts().get(0);
        assertEquals("TCP", p.getProtocol());
        assertEquals(5005, port(p.getTargetPort().getStrVal()).getContainerPort());
        for (Service s : all(Service.class)) {
            assertTrue(selects(s.getSpec().getSelector(), podLabels()), s.getMetadata().getName());
        }
        assertTrue(all(Service.class).stream().anyMatch(s -> s.getMetadata().getName()
                .equals(relays().getSpec().getServiceName())), "the StatefulSet's governing Service exists");
    }

    @Test
    void mediaGoesToEachPodsOwnNodeAndTwoRelaysNeverShareANode() {
        for (String name : List.of("video", "audio")) {
            ContainerPort p = port(name);
            assertEquals("UDP", p.getProtocol());
            assertEquals(p.getContainerPort(), p.getHostPort(), name + " on the node's same port");
        }
        assertEquals(5000, port("video").getContainerPort());
        assertEquals(5001, port("audio").getContainerPort());
        assertEquals(port("files").getContainerPort(), port("files").getHostPort(), "files beside media");
        assertEquals(port("control").getContainerPort(), port("control").getHostPort(),
                "control on the node's address too: the welcome names it for resuming and moving");
        assertEquals(ConfigFactory.load().getInt("chorus.relay.control-port"), port("control").getContainerPort());
        var advertised = relay().getEnv().stream().filter(e -> e.getName().equals("CHORUS_ADVERTISED_HOST"))
                .findFirst().orElseGet(() -> fail("CHORUS_ADVERTISED_HOST"));
        var nodeIp = relay().getEnv().stream().filter(e -> ("$(" + e.getName() + ")").equals(advertised.getValue()))
                .findFirst().orElseGet(() -> fail("advertised host from another variable"));
        assertEquals("status.hostIP", nodeIp.getValueFrom().getFieldRef().getFieldPath());
        var anti = relays().getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution();
        assertTrue(anti.stream().anyMatch(t -> "kubernetes.io/hostname".equals(t.getTopologyKey())
                && selects(t.getLabelSelector().getMatchLabels(), podLabels())), "one relay per node");
    }

    @Test
    void resourcesBudgetAutoscalerAndImageAreWired() {
        var resources = relay().getResources();
        for (String r : List.of("cpu", "memory")) {
            assertNotNull(resources.getRequests().get(r), "request " + r);
            assertNotNull(resources.getLimits().get(r), "limit " + r);
        }
        StatefulSet sts = relays();
        assertTrue(selects(sts.getSpec().getSelector().getMatchLabels(), podLabels()));
        assertEquals("Parallel", sts.getSpec().getPodManagementPolicy(), "bootstrap needs pods to start together");
        PodDisruptionBudget pdb = one(PodDisruptionBudget.class);
        assertTrue(selects(pdb.getSpec().getSelector().getMatchLabels(), podLabels()));
        HorizontalPodAutoscaler hpa = one(HorizontalPodAutoscaler.class);
        assertEquals("StatefulSet", hpa.getSpec().getScaleTargetRef().getKind());
        assertEquals(sts.getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
        assertTrue(hpa.getSpec().getMinReplicas() >= 3, "a majority survives one drain");
        String image = System.getProperty("chorus.image");
        assertNotNull(image, "the build passes the image name (relay-actors/pom.xml jib.image)");
        assertEquals(image, relay().getImage(), "the manifests run the image the build makes");
        assertTrue(sts.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds() >= 30,
                "time to drain");
        assertFalse(new File(K8S.toFile(), "README.md").length() == 0, "k8s/README.md");
    }

    @Test
    void theImageBuildsOnTheRegistryBaseByDefaultAndOnTheLocalBaseTarballOptIn() throws Exception {
        // relay-actors/pom.xml (the working directory of this test) and k8s/base-image (README.md).
        XPath x = XPathFactory.newInstance().newXPath();
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new File("pom.xml"));
        String profile = "/project/profiles/profile[id='%s']";
        assertEquals("${jib.from.image}", x.evaluate(String.format(profile, "image")
                + "/build/plugins/plugin[artifactId='jib-maven-plugin']/configuration/from/image", pom).trim());
        assertEquals("eclipse-temurin:17-jre", x.evaluate("/project/properties/jib.from.image", pom).trim(),
                "the registry base by default");
        String local = x.evaluate(String.format(profile, "local-base") + "/properties/jib.from.image", pom).trim();
        assertEquals("tar://${project.build.directory}/base-image.tar", local);
        Path build = K8S.resolve("base-image/build.sh");
        assertTrue(Files.isExecutable(build), build + " executable");
        assertTrue(Files.readString(build).contains("relay-actors/target/base-image.tar"),
                "build.sh writes where profile local-base reads");
        assertTrue(Files.isExecutable(K8S.resolve("base-image/run-image.sh")), "run-image.sh executable");
    }
}
