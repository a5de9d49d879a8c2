package chorus.relay.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Pekko Management readiness check ({@code /ready}): not ready once the node drains, so a
 * Kubernetes Service sends new clients to the other relays while this one moves its own away.
 * Named in {@code chorus-kubernetes.conf}.
 */
public final class DrainReadiness implements Supplier<CompletionStage<Boolean>> {
    private final Drain drain;

    public DrainReadiness(ActorSystem system) {
        this.drain = Drain.get(Adapter.toTyped(system));
    }

    @Override
    public CompletionStage<Boolean> get() {
        return CompletableFuture.completedFuture(!drain.draining());
    }
}
