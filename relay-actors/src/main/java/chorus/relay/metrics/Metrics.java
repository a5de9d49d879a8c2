package chorus.relay.metrics;

import chorus.protocol.media.DropReason;
import chorus.protocol.media.MediaKind;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The node's counters as Prometheus text (exposition format 0.0.4) on {@code GET /metrics}:
 * participants, rooms, media in and out by kind, drops by reason, mixer tick time, cluster
 * members by status and node-to-node media by peer.
 */
public final class Metrics {
    private final RelayStats stats;
    private final IntSupplier participants;
    private final ActorSystem<?> system;

    public Metrics(RelayStats stats, IntSupplier participants, ActorSystem<?> system) {
        this.stats = stats;
        this.participants = participants;
        this.system = system;
    }

    public CompletionStage<ServerBinding> bind(String host, int port) {
        Route route = Directives.path("metrics", () -> Directives.get(() ->
                Directives.complete(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, render()))));
        return Http.get(system).newServerAt(host, port).bind(route);
    }

    /** The current values in Prometheus text format. */
    public String render() {
        StringBuilder out = new StringBuilder(4096);
        gauge(out, "chorus_participants", "Participants connected to this node.");
        sample(out, "chorus_participants", "", participants.getAsInt());
        gauge(out, "chorus_rooms", "Rooms with members on this node.");
        sample(out, "chorus_rooms", "", stats.rooms());

        byKind(out, "chorus_media_packets_in_total", "Media datagrams received, by kind.", stats::packetsIn);
        byKind(out, "chorus_media_bytes_in_total", "Media bytes received, by kind.", stats::bytesIn);
        byKind(out, "chorus_media_packets_out_total", "Media datagrams sent, by kind.", stats::packetsOut);
        byKind(out, "chorus_media_bytes_out_total", "Media bytes sent, by kind.", stats::bytesOut);
        counter(out, "chorus_media_drops_total", "Media datagrams dropped, by reason.");
        for (DropReason r : DropReason.values()) {
            sample(out, "chorus_media_drops_total", "{reason=\"" + r.label() + "\"}", stats.drops(r));
        }
        counter(out, "chorus_media_send_errors_total", "Media datagrams the socket refused to send.");
        sample(out, "chorus_media_send_errors_total", "", stats.sendErrors());

        out.append("# HELP chorus_mixer_tick_seconds Time spent mixing, per 20 ms tick.\n")
                .append("# TYPE chorus_mixer_tick_seconds summary\n");
        sample(out, "chorus_mixer_tick_seconds_sum", "", stats.mixerTickNanosTotal() / 1e9);
        sample(out, "chorus_mixer_tick_seconds_count", "", stats.mixerTicks());
        counter(out, "chorus_audio_late_frames_total", "Audio frames that arrived after their mix.");
        sample(out, "chorus_audio_late_frames_total", "", stats.audioLate());
        counter(out, "chorus_audio_concealed_frames_total", "Audio frames missing at mix time.");
        sample(out, "chorus_audio_concealed_frames_total", "", stats.audioConcealed());

        gauge(out, "chorus_cluster_members", "Cluster members this node sees, by status (1 when alone).");
        clusterMembers(out);

        counter(out, "chorus_peer_packets_out_total", "Node-to-node media datagrams sent, by peer node.");
        stats.peers().values().forEach(p -> sample(out, "chorus_peer_packets_out_total", peer(p), p.packetsOut()));
        counter(out, "chorus_peer_bytes_out_total", "Node-to-node media bytes sent, by peer node.");
        stats.peers().values().forEach(p -> sample(out, "chorus_peer_bytes_out_total", peer(p), p.bytesOut()));
        counter(out, "chorus_peer_packets_in_total", "Node-to-node media datagrams received, by peer node.");
        stats.peers().values().forEach(p -> sample(out, "chorus_peer_packets_in_total", peer(p), p.packetsIn()));
        counter(out, "chorus_peer_bytes_in_total", "Node-to-node media bytes received, by peer node.");
        stats.peers().values().forEach(p -> sample(out, "chorus_peer_bytes_in_total", peer(p), p.bytesIn()));
        counter(out, "chorus_peer_file_bytes_out_total", "File bytes sent to another node (copies and fetches), by peer node.");
        stats.peers().values().forEach(p -> sample(out, "chorus_peer_file_bytes_out_total", peer(p), p.fileBytesOut()));
        counter(out, "chorus_peer_file_bytes_in_total", "File bytes received from another node, by peer node.");
        stats.peers().values().forEach(p -> sample(out, "chorus_peer_file_bytes_in_total", peer(p), p.fileBytesIn()));
        return out.toString();
    }

    private void clusterMembers(StringBuilder out) {
        if (!"cluster".equals(system.settings().config().getString("pekko.actor.provider"))) {
            sample(out, "chorus_cluster_members", "{status=\"up\"}", 1);
            return;
        }
        var counts = new java.util.TreeMap<String, Integer>();
        for (String s : new String[] {"joining", "weaklyup", "up", "leaving", "exiting", "down"}) {
            counts.put(s, 0);
        }
        var state = org.apache.pekko.cluster.typed.Cluster.get(system).state();
        for (var m : state.getMembers()) {
            String status = m.status().toString().toLowerCase(Locale.ROOT);
            counts.merge(status, 1, Integer::sum);
        }
        counts.forEach((status, n) -> sample(out, "chorus_cluster_members", "{status=\"" + status + "\"}", n));
        gauge(out, "chorus_cluster_unreachable", "Cluster members this node cannot reach.");
        sample(out, "chorus_cluster_unreachable", "", state.getUnreachable().size());
    }

    private static String kind(MediaKind k) {
        return "{kind=\"" + k.name().toLowerCase(Locale.ROOT) + "\"}";
    }

    private static String peer(RelayStats.PeerTraffic p) {
        return "{peer=\"" + p.node().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    }

    private static void gauge(StringBuilder out, String name, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n");
    }

    private static void counter(StringBuilder out, String name, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n");
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name).append(labels).append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        out.append('\n');
    }

    private static void byKind(StringBuilder out, String name, String help,
                               java.util.function.ToLongFunction<MediaKind> value) {
        counter(out, name, help);
        for (MediaKind k : MediaKind.values()) {
            sample(out, name, kind(k), value.applyAsLong(k));
        }
    }
}
