package chorus.relay.control;

import chorus.relay.cluster.ClusterPeers;
import chorus.relay.config.RelayConfig;
import chorus.relay.files.FileAccess;
import chorus.relay.media.MediaGateway;
import chorus.relay.room.Rooms;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * Listens on the control port (Pekko Streams TCP) and gives each accepted socket a
 * {@link Connection} actor: bytes in are framed and fed to it with backpressure, frames out come
 * from a bounded queue it writes to.
 */
public final class ControlServer extends AbstractBehavior<ControlServer.Command> {

    public sealed interface Command {
    }

    private record Accepted(Tcp.IncomingConnection connection) implements Command {
    }

    private record Bound(Tcp.ServerBinding binding) implements Command {
    }

    private record BindFailed(Throwable cause) implements Command {
    }

    private final RelayConfig config;
    private final MediaGateway gateway;
    private final ActorRef<Rooms.Command> rooms;
    private final FileAccess fileAccess;
    /** Null for a node on its own. */
    private final ClusterPeers peers;
    private final CompletableFuture<InetSocketAddress> bound;
    private long connections;

    public static Behavior<Command> create(RelayConfig config, MediaGateway gateway, ActorRef<Rooms.Command> rooms,
                                           FileAccess fileAccess, ClusterPeers peers, CompletableFuture<InetSocketAddress> bound) {
        return Behaviors.setup(ctx -> new ControlServer(ctx, config, gateway, rooms, fileAccess, peers, bound));
    }

    private ControlServer(ActorContext<Command> ctx, RelayConfig config, MediaGateway gateway,
                          ActorRef<Rooms.Command> rooms, FileAccess fileAccess, ClusterPeers peers,
                          CompletableFuture<InetSocketAddress> bound) {
        super(ctx);
        this.peers = peers;
        this.fileAccess = fileAccess;
        this.config = config;
        this.gateway = gateway;
        this.rooms = rooms;
        this.bound = bound;
        ActorRef<Command> self = ctx.getSelf();
        var binding = Tcp.get(ctx.getSystem())
                .bind(config.host(), config.controlPort())
                .to(Sink.foreach(c -> self.tell(new Accepted(c))))
                .run(ctx.getSystem());
        ctx.pipeToSelf(binding, (b, error) -> b != null ? new Bound(b) : new BindFailed(error));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Bound.class, b -> {
                    bound.complete(b.binding().localAddress());
                    return this;
                })
                .onMessage(BindFailed.class, f -> {
                    bound.completeExceptionally(f.cause());
                    return Behaviors.stopped();
                })
                .onMessage(Accepted.class, this::onAccepted)
                .build();
    }

    private Behavior<Command> onAccepted(Accepted accepted) {
        Tcp.IncomingConnection tcp = accepted.connection();
        Pair<ActorRef<Connection.Outgoing>, Source<Connection.Outgoing, NotUsed>> outbox =
                ActorSource.<Connection.Outgoing>actorRef(
                                o -> o == Connection.Close.INSTANCE,
                                o -> java.util.Optional.empty(),
                                config.outboxFrames(),
                                OverflowStrategy.fail())
                        .preMaterialize(getContext().getSystem());
        ActorRef<Connection.Command> connection = getContext().spawn(
                Connection.create(config, gateway, rooms, fileAccess, peers, outbox.first(), tcp.localAddress()),
                "connection-" + (++connections));

        Sink<ByteString, NotUsed> in = ControlFraming.decoder().to(ActorSink.actorRefWithBackpressure(
                connection,
                Connection.FrameIn::new,
                Connection.StreamInit::new,
                Connection.Ack.INSTANCE,
                Connection.StreamDone.INSTANCE,
                Connection.StreamFailed::new));
        Source<ByteString, NotUsed> out = outbox.second()
                .map(o -> ((Connection.Frame) o).bytes());
        tcp.handleWith(Flow.fromSinkAndSourceCoupled(in, out), getContext().getSystem());
        return this;
    }
}
