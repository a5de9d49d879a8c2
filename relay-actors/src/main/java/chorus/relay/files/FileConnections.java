package chorus.relay.files;

import chorus.relay.config.LimitsConfig;
import chorus.relay.metrics.Limit;
import chorus.relay.metrics.RelayStats;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.IncomingConnection;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Accepts the file service's HTTP connections within {@code limits.files-connections-per-address}
 * and {@code limits.files-max-connections}: one more is closed at once (and counted), so
 * connections dripping bytes from one address cannot take all the service's connections. Pekko
 * HTTP's own {@code max-connections} does not apply to a connection source, hence the count here.
 */
final class FileConnections {
    private final LimitsConfig limits;
    private final RelayStats stats;
    private final Map<InetAddress, Integer> open = new HashMap<>();
    private int openTotal;

    FileConnections(LimitsConfig limits, RelayStats stats) {
        this.limits = limits;
        this.stats = stats;
    }

    CompletionStage<ServerBinding> serve(ActorSystem<?> system, ServerBuilder server, Route route) {
        ServerSettings settings = ServerSettings.create(ConfigFactory.parseMap(Map.of("pekko.http.server.idle-timeout",
                limits.filesIdleTimeout().toMillis() + "ms")).withFallback(system.settings().config()));
        Flow<HttpRequest, HttpResponse, NotUsed> handler = route.flow(system);
        return server.withSettings(settings).connectionSource()
                .to(Sink.foreach(connection -> accept(connection, handler, system)))
                .run(system);
    }

    private void accept(IncomingConnection connection, Flow<HttpRequest, HttpResponse, NotUsed> handler,
                        ActorSystem<?> system) {
        InetAddress from = connection.remoteAddress().getAddress();
        if (!admit(from)) {
            connection.handleWith(Flow.fromSinkAndSourceCoupled(Sink.<HttpRequest>cancelled(),
                    Source.<HttpResponse>empty()), Materializer.matFromSystem(system));
            return;
        }
        connection.handleWith(handler.watchTermination((mat, done) -> {
            done.whenComplete((ok, failure) -> closed(from));
            return mat;
        }), Materializer.matFromSystem(system));
    }

    private synchronized boolean admit(InetAddress from) {
        if (open.getOrDefault(from, 0) >= limits.filesConnectionsPerAddress()) {
            stats.limitHit(Limit.FILES_CONNECTIONS_PER_ADDRESS);
            return false;
        }
        if (openTotal >= limits.filesMaxConnections()) {
            stats.limitHit(Limit.FILES_CONNECTIONS_TOTAL);
            return false;
        }
        open.merge(from, 1, Integer::sum);
        openTotal++;
        return true;
    }

    private synchronized void closed(InetAddress from) {
        open.computeIfPresent(from, (a, n) -> n == 1 ? null : n - 1);
        openTotal--;
    }
}
