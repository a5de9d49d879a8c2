package chorus.relay.cluster;

import chorus.protocol.control.ControlMessage;
import chorus.relay.room.Rooms;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A clustered node's graceful drain, the first thing its shutdown does (SIGTERM runs Pekko's
 * coordinated shutdown): the node stops taking joins ({@code shutting-down}) and reads as not
 * ready ({@link DrainReadiness}), tells every participant here to {@code move} to the other nodes,
 * and waits until they have gone (at most {@code chorus.relay.drain.timeout}). Their rooms keep
 * their places for them: nobody sees them leave. Then the shutdown goes on: Cluster Sharding hands
 * the rooms this node held to the others, and the node leaves the cluster.
 */
public final class Drain implements Extension {
    private static final Logger log = LoggerFactory.getLogger(Drain.class);
    private static final Duration POLL = Duration.ofMillis(100);

    public static final ExtensionId<Drain> ID = new ExtensionId<>() {
        @Override
        public Drain createExtension(ActorSystem<?> system) {
            return new Drain();
        }
    };

    private final AtomicBoolean draining = new AtomicBoolean();

    public static Drain get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** True from the start of the drain: no more joins, not ready. */
    public boolean draining() {
        return draining.get();
    }

    /**
     * Runs the drain as the first phase of the coordinated shutdown of {@code system}.
     *
     * @param participants how many participants this node still has
     */
    public static void install(ActorSystem<?> system, ClusterPeers peers, ActorRef<Rooms.Command> rooms,
                        IntSupplier participants, Duration timeout) {
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "chorus-drain",
                () -> get(system).run(system, peers, rooms, participants, timeout));
    }

    private CompletionStage<Done> run(ActorSystem<?> system, ClusterPeers peers, ActorRef<Rooms.Command> rooms,
                                      IntSupplier participants, Duration timeout) {
        if (!draining.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        List<String> nodes = peers.controlEndpoints();
        int here = participants.getAsInt();
        if (here == 0) {
            log.info("draining: no participants here");
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        if (nodes.isEmpty()) {
            log.info("draining: no other node to move {} participants to; they will reconnect when they can", here);
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        log.info("draining: moving {} participants to {}", here, nodes);
        rooms.tell(new Rooms.Drain(new ControlMessage.Move(nodes)));
        CompletableFuture<Done> drained = new CompletableFuture<>();
        long started = System.nanoTime();
        var poll = system.scheduler().scheduleAtFixedRate(POLL, POLL, () -> {
            int left = participants.getAsInt();
            Duration spent = Duration.ofNanos(System.nanoTime() - started);
            if (left == 0) {
                log.info("drained: every participant moved in {} ms", spent.toMillis());
                drained.complete(Done.getInstance());
            } else if (spent.compareTo(timeout) >= 0) {
                log.warn("drain timed out after {} ms with {} participants still here", spent.toMillis(), left);
                drained.complete(Done.getInstance());
            }
        }, system.executionContext());
        return drained.whenComplete((done, error) -> poll.cancel());
    }
}
