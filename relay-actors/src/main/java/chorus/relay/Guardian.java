package chorus.relay;

import chorus.relay.cluster.ClusterPeers;
import chorus.relay.cluster.Drain;
import chorus.relay.cluster.NodeDirectory;
import chorus.relay.config.RelayConfig;
import chorus.relay.control.ControlServer;
import chorus.relay.files.FileAccess;
import chorus.relay.files.FileService;
import chorus.relay.files.FileStore;
import chorus.relay.media.MediaGateway;
import chorus.relay.media.MediaPort;
import chorus.relay.room.Room;
import chorus.relay.room.RoomEntity;
import chorus.relay.room.Rooms;
import chorus.relay.tls.RelayTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * The relay node's root actor: joins the cluster (a node on its own is a cluster of one), starts
 * the sharded rooms and this node's {@link Rooms}, then the file service and, once the file service
 * has its port (which every welcome carries), the control server. {@code bound} completes with the
 * control server's address, or with why a port could not be bound.
 */
final class Guardian extends AbstractBehavior<Guardian.Command> {

    sealed interface Command {
    }

    private record FilesBound(int port) implements Command {
    }

    private record ControlBound(InetSocketAddress address) implements Command {
    }

    private record Failed(Throwable cause) implements Command {
    }

    private final RelayConfig relay;
    private final MediaGateway gateway;
    private final FileAccess fileAccess;
    /** Null when the control port and file service speak plain text. */
    private final RelayTls tls;
    private final CompletableFuture<InetSocketAddress> bound;
    private final ActorRef<Rooms.Command> rooms;
    /** Null for a node on its own: no secret to share, no other nodes to copy files to or drain to. */
    private final ClusterPeers peers;

    static Behavior<Command> create(RelayConfig relay, MediaGateway gateway, FileStore files, FileAccess fileAccess,
                                    RelayTls tls, CompletableFuture<InetSocketAddress> bound) {
        return Behaviors.setup(ctx -> new Guardian(ctx, relay, gateway, files, fileAccess, tls, bound));
    }

    private Guardian(ActorContext<Command> ctx, RelayConfig relay, MediaGateway gateway, FileStore files,
                     FileAccess fileAccess, RelayTls tls, CompletableFuture<InetSocketAddress> bound) {
        super(ctx);
        this.tls = tls;
        this.relay = relay;
        this.gateway = gateway;
        this.fileAccess = fileAccess;
        this.bound = bound;
        this.peers = relay.clustered() ? new ClusterPeers(relay.cluster().secret()) : null;
        Cluster cluster = Cluster.get(ctx.getSystem());
        // Seeds, or Cluster Bootstrap on Kubernetes, or else this node is the first (or the only one).
        if (relay.cluster().seeds().isEmpty() && !ctx.getSystem().settings().config()
                .getBoolean("chorus.relay.kubernetes.enabled")) {
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
        }
        var expired = ctx.spawn(RoomEntity.expiredTopic(), "room-expired");
        RoomEntity.initSharding(ctx.getSystem(), relay, expired);
        ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
        String node = cluster.selfMember().address().toString();
        gateway.node(node); // its node-to-node media key
        String host = RelayNode.clusterHostname(relay);
        this.rooms = ctx.spawn(Rooms.create(gateway, relay, files,
                room -> new Room.Link(sharding.entityRefFor(RoomEntity.TYPE_KEY, room), node, host,
                        gateway.port(MediaPort.VIDEO), gateway.port(MediaPort.AUDIO)), expired), "rooms");
        if (peers != null) {
            Drain.install(ctx.getSystem(), peers, rooms, gateway::participants, relay.drain().timeout());
        }
        var service = new FileService(ctx.getSystem(), files, fileAccess, relay.files().maxBytes(), peers,
                gateway.stats());
        ctx.pipeToSelf(service.bind(relay.listen().host(), relay.files().port(), tls), (binding, error) -> error != null
                ? new Failed(new IOException("cannot listen on HTTP" + (tls == null ? " " : "S ")
                        + relay.listen().host() + ":" + relay.files().port()
                        + " for files (" + error.getMessage() + ")", error))
                : new FilesBound(binding.localAddress().getPort()));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(FilesBound.class, this::onFilesBound)
                .onMessage(ControlBound.class, this::onControlBound)
                .onMessage(Failed.class, this::onFailed)
                .build();
    }

    private Behavior<Command> onFilesBound(FilesBound files) {
        fileAccess.port(files.port());
        CompletableFuture<InetSocketAddress> controlBound = new CompletableFuture<>();
        getContext().pipeToSelf(controlBound, (address, error) -> error != null ? new Failed(error)
                : new ControlBound(address));
        getContext().spawn(ControlServer.create(relay, gateway, rooms, fileAccess, peers, tls, controlBound), "control");
        return this;
    }

    private Behavior<Command> onControlBound(ControlBound control) {
        if (peers != null) {
            String host = relay.listen().advertisedHost().isEmpty() ? RelayNode.clusterHostname(relay) : relay.listen().advertisedHost();
            getContext().spawn(NodeDirectory.create(peers, new NodeDirectory.Endpoints(host,
                    control.address().getPort(), fileAccess.port(), tls == null ? "" : tls.fingerprint())), "nodes");
        }
        bound.complete(control.address());
        return this;
    }

    private Behavior<Command> onFailed(Failed failed) {
        bound.completeExceptionally(failed.cause());
        return this;
    }
}
