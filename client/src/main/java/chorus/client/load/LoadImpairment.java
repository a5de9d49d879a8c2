package chorus.client.load;

import chorus.client.impairment.Impairment;
import chorus.client.impairment.ImpairmentProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Impairment proxies between the load participants and the server (--loss): each relay media
 * endpoint gets proxies, a new one every {@link ImpairmentProxy#MAX_CLIENTS} participants, each
 * impairing both directions with its own seed. Used from the joining thread; read after the run.
 */
final class LoadImpairment implements AutoCloseable {
    private final Impairment impairment;
    private final Map<InetSocketAddress, List<ImpairmentProxy>> byEndpoint = new HashMap<>();
    private final Map<InetSocketAddress, Integer> clients = new HashMap<>();
    private final List<ImpairmentProxy> all = new ArrayList<>();

    LoadImpairment(Impairment impairment) {
        this.impairment = impairment;
    }

    /** Where one more participant sends what it would send to {@code relay}. */
    synchronized InetSocketAddress route(InetSocketAddress relay) throws IOException {
        int n = clients.merge(relay, 1, Integer::sum);
        List<ImpairmentProxy> proxies = byEndpoint.computeIfAbsent(relay, r -> new ArrayList<>());
        if ((n - 1) % ImpairmentProxy.MAX_CLIENTS == 0) {
            long seed = impairment.seed() + 2L * all.size();
            ImpairmentProxy proxy = ImpairmentProxy.start(relay, impairment.withSeed(seed), impairment.withSeed(seed + 1));
            proxies.add(proxy);
            all.add(proxy);
        }
        return proxies.get(proxies.size() - 1).address();
    }

    double lossRate() {
        return impairment.lossRate();
    }

    /** Datagrams the proxies dropped, both directions. */
    synchronized long lost() {
        return all.stream().mapToLong(p -> p.lostToRelay() + p.lostToClients()).sum();
    }

    synchronized long passed() {
        return all.stream().mapToLong(p -> p.passedToRelay() + p.passedToClients()).sum();
    }

    @Override
    public synchronized void close() {
        all.forEach(ImpairmentProxy::close);
    }
}
