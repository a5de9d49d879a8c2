package chorus.relay.metrics;

import chorus.protocol.media.DropReason;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Reassembler;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.SummaryWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The node's counters as Prometheus text on {@code GET /metrics}, through the Prometheus Java
 * client: participants, rooms, media in and out by kind, drops by reason, refused address moves,
 * audio frames the reassembly gave up, mixer tick time, cluster members by status, node-to-node
 * traffic by peer, and the JVM's own metrics ({@code jvm_*}, {@code process_*}). Every series is
 * read from {@link RelayStats} (and the gateway, the cluster) at scrape time by a callback: the
 * media threads keep counting into their {@code LongAdder}s and never touch the registry.
 */
public final class Metrics {
    private static final String[] CLUSTER_STATUSES = {"joining", "weaklyup", "up", "leaving", "exiting", "down"};
    private static final ContentType CONTENT_TYPE = ContentTypes.parse(PrometheusTextFormatWriter.CONTENT_TYPE);
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private final RelayStats stats;
    private final IntSupplier participants;
    private final ActorSystem<?> system;
    private final PrometheusRegistry registry = new PrometheusRegistry();

    public Metrics(RelayStats stats, IntSupplier participants, ActorSystem<?> system) {
        this.stats = stats;
        this.participants = participants;
        this.system = system;
        register();
    }

    /**
     * The JVM's metrics, once per process: they describe the process, not a node, and the client
     * library keeps every registry it registered them with (so a per-node registry would leak).
     */
    private static final class Jvm {
        static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

        static {
            JvmMetrics.builder().register(REGISTRY);
        }
    }

    public CompletionStage<ServerBinding> bind(String host, int port) {
        Route route = Directives.path("metrics", () -> Directives.get(() ->
                Directives.complete(HttpEntities.create(CONTENT_TYPE, scrape()))));
        return Http.get(system).newServerAt(host, port).bind(route);
    }

    /** The current values in Prometheus text format (exposition format 0.0.4). */
    public String render() {
        return new String(scrape(), StandardCharsets.UTF_8);
    }

    private byte[] scrape() {
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        for (MetricSnapshot s : registry.scrape()) {
            all.metricSnapshot(s);
        }
        for (MetricSnapshot s : Jvm.REGISTRY.scrape()) {
            all.metricSnapshot(s);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            WRITER.write(out, all.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return out.toByteArray();
    }

    private void register() {
        gauge("chorus_participants", "Participants connected to this node.", participants::getAsInt);
        gauge("chorus_rooms", "Rooms with members on this node.", stats::rooms);

        byKind("chorus_media_packets_in_total", "Media datagrams received, by kind.", stats::packetsIn);
        byKind("chorus_media_bytes_in_total", "Media bytes received, by kind.", stats::bytesIn);
        byKind("chorus_media_packets_out_total", "Media datagrams sent, by kind.", stats::packetsOut);
        byKind("chorus_media_bytes_out_total", "Media bytes sent, by kind.", stats::bytesOut);
        CounterWithCallback.builder().name("chorus_media_drops_total").help("Media datagrams dropped, by reason.")
                .labelNames("reason")
                .callback(cb -> {
                    for (DropReason r : DropReason.values()) {
                        cb.call(stats.drops(r), r.label());
                    }
                }).register(registry);
        CounterWithCallback.builder().name("chorus_file_uploads_refused_total")
                .help("Uploads the file service refused or gave up, by the error code answered.").labelNames("code")
                .callback(cb -> stats.uploadsRefused().forEach((code, n) -> cb.call(n, code.wire())))
                .register(registry);
        CounterWithCallback.builder().name("chorus_limit_hits_total")
                .help("Requests, messages and connections refused or cut by a limit (chorus.relay.limits), by limit.")
                .labelNames("limit")
                .callback(cb -> {
                    for (Limit l : Limit.values()) {
                        cb.call(stats.limitHits(l), l.label());
                    }
                }).register(registry);
        gauge("chorus_control_connections", "Control connections open on this node.", stats::controlConnections);
        gauge("chorus_file_transfers", "Uploads and downloads running on this node.", stats::fileTransfers);
        CounterWithCallback.builder().name("chorus_joins_refused_total")
                .help("Hellos refused for their access token or name, by the error code answered.").labelNames("code")
                .callback(cb -> stats.joinsRefused().forEach((code, n) -> cb.call(n, code.wire())))
                .register(registry);
        counter("chorus_participants_replaced_total",
                "Participants closed because their identity joined the room again.", stats::participantsReplaced);
        counter("chorus_media_send_errors_total", "Media datagrams the socket refused to send.", stats::sendErrors);
        counter("chorus_media_challenges_sent_total",
                "Challenges sent to a new address of a participant's port (return routability).", stats::challengesSent);
        counter("chorus_media_challenges_limited_total",
                "Challenges not sent: the participant's port had its challenges for that second.",
                stats::challengesLimited);
        counter("chorus_media_addresses_confirmed_total",
                "Addresses that answered their challenge and now receive the participant's media.",
                stats::addressesConfirmed);
        counter("chorus_media_rate_limit_notices_total",
                "Times a sender was told over its control connection that its media is over the rate limit.",
                stats::rateLimitNotices);
        counter("chorus_control_tls_handshakes_failed_total",
                "Control connections closed because their TLS handshake failed (plain text or garbage on the TLS port).",
                stats::tlsHandshakesFailed);
        CounterWithCallback.builder().name("chorus_video_forwarded_datagrams_total")
                .help("Video datagrams forwarded to members, by camera simulcast layer (0 the smallest) or screen.")
                .labelNames("layer")
                .callback(cb -> {
                    for (int slot = 0; slot < 4; slot++) {
                        cb.call(stats.videoForwardedCount(slot), slot == 3 ? "screen" : String.valueOf(slot));
                    }
                }).register(registry);
        CounterWithCallback.builder().name("chorus_media_frames_sent_total")
                .help("Frames of two or more fragments sent to a receiver: whole (every fragment in one send) or split.")
                .labelNames("how")
                .callback(cb -> {
                    cb.call(stats.framesSent(true), "whole");
                    cb.call(stats.framesSent(false), "split");
                }).register(registry);
        CounterWithCallback.builder().name("chorus_media_segmented_sends_total")
                .help("UDP GSO sends (one per frame per receiver, or more datagrams of one size to one receiver).")
                .callback(cb -> cb.call(stats.segmentedSends())).register(registry);
        CounterWithCallback.builder().name("chorus_media_segmented_datagrams_total")
                .help("Datagrams sent inside UDP GSO sends.")
                .callback(cb -> cb.call(stats.segmentsSent())).register(registry);
        CounterWithCallback.builder().name("chorus_media_frames_sent_early_total")
                .help("Frames held for missing fragments at the end of a read batch that went as they were when the hold ran out.")
                .callback(cb -> cb.call(stats.framesSentEarly())).register(registry);
        CounterWithCallback.builder().name("chorus_video_recovery_total")
                .help("Video loss recovery: NACKs, datagrams resent or not buffered, keyframe requests received, sent, coalesced.")
                .labelNames("event")
                .callback(cb -> {
                    for (Recovery event : Recovery.values()) {
                        cb.call(stats.recovery(event), event.label());
                    }
                }).register(registry);
        CounterWithCallback.builder().name("chorus_audio_reassembly_drops_total")
                .help("Incomplete audio frames the relay's reassembly gave up, by reason.")
                .labelNames("reason")
                .callback(cb -> {
                    for (Reassembler.FrameDrop why : Reassembler.FrameDrop.values()) {
                        cb.call(stats.reassemblyDrops(why), why.label());
                    }
                }).register(registry);

        SummaryWithCallback.builder().name("chorus_mixer_tick_seconds").help("Time spent mixing, per 20 ms tick.")
                .callback(cb -> cb.call(stats.mixerTicks(), stats.mixerTickNanosTotal() / 1e9, Quantiles.EMPTY))
                .register(registry);
        counter("chorus_audio_late_frames_total", "Audio frames that arrived after their mix.", stats::audioLate);
        counter("chorus_audio_concealed_frames_total", "Audio frames missing at mix time.", stats::audioConcealed);

        boolean clustered = "cluster".equals(system.settings().config().getString("pekko.actor.provider"));
        GaugeWithCallback.builder().name("chorus_cluster_members")
                .help("Cluster members this node sees, by status (1 when alone).")
                .labelNames("status")
                .callback(cb -> clusterMembers(clustered).forEach((status, n) -> cb.call(n, status)))
                .register(registry);
        if (clustered) {
            gauge("chorus_cluster_unreachable", "Cluster members this node cannot reach.",
                    () -> Cluster.get(system).state().getUnreachable().size());
        }

        byPeer("chorus_peer_packets_out_total", "Node-to-node media datagrams sent, by peer node.",
                RelayStats.PeerTraffic::packetsOut);
        byPeer("chorus_peer_bytes_out_total", "Node-to-node media bytes sent, by peer node.",
                RelayStats.PeerTraffic::bytesOut);
        byPeer("chorus_peer_packets_in_total", "Node-to-node media datagrams received, by peer node.",
                RelayStats.PeerTraffic::packetsIn);
        byPeer("chorus_peer_bytes_in_total", "Node-to-node media bytes received, by peer node.",
                RelayStats.PeerTraffic::bytesIn);
        byPeer("chorus_peer_file_bytes_out_total", "File bytes sent to another node (copies and fetches), by peer node.",
                RelayStats.PeerTraffic::fileBytesOut);
        byPeer("chorus_peer_file_bytes_in_total", "File bytes received from another node, by peer node.",
                RelayStats.PeerTraffic::fileBytesIn);
    }

    /** Members by status, every status present (0 when none); alone, the node itself is up. */
    private Map<String, Integer> clusterMembers(boolean clustered) {
        Map<String, Integer> counts = new TreeMap<>();
        if (!clustered) {
            counts.put("up", 1);
            return counts;
        }
        for (String s : CLUSTER_STATUSES) {
            counts.put(s, 0);
        }
        for (var m : Cluster.get(system).state().getMembers()) {
            counts.merge(m.status().toString().toLowerCase(Locale.ROOT), 1, Integer::sum);
        }
        return counts;
    }

    private void gauge(String name, String help, IntSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsInt())).register(registry);
    }

    private void counter(String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    private void byKind(String name, String help, ToLongFunction<MediaKind> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("kind")
                .callback(cb -> {
                    for (MediaKind k : MediaKind.values()) {
                        cb.call(value.applyAsLong(k), k.name().toLowerCase(Locale.ROOT));
                    }
                }).register(registry);
    }

    private void byPeer(String name, String help, ToLongFunction<RelayStats.PeerTraffic> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("peer")
                .callback(cb -> stats.peers().values().forEach(p -> cb.call(value.applyAsLong(p), p.node())))
                .register(registry);
    }
}
