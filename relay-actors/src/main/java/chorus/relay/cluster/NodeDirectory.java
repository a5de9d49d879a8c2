package chorus.relay.cluster;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Keeps {@link ClusterPeers} current: each node publishes where its clients and peers reach it
 * (control and file ports) in a replicated map keyed by cluster address, and every node lists the
 * entries of the members that are Up and reachable, itself excluded.
 */
public final class NodeDirectory extends AbstractBehavior<NodeDirectory.Command> {

    public sealed interface Command {
    }

    /**
     * Where a node is reached; replicated. The fingerprint of its certificate is what the other
     * nodes trust when they fetch or copy files over HTTPS (only members can write this map).
     *
     * @param tlsFingerprint {@code sha256:HEX}, or empty when its file service speaks plain text
     */
    public record Endpoints(String host, int controlPort, int filesPort, String tlsFingerprint)
            implements CborSerializable {
    }

    /** The directory's own messages: the replicated map and cluster membership changing. */
    private sealed interface Internal extends Command {
    }

    private record Changed(Map<String, Endpoints> entries) implements Internal {
    }

    private record MembershipChanged(Object event) implements Internal {
    }

    private enum Ignored implements Internal {
        INSTANCE
    }

    private static final Key<LWWMap<String, Endpoints>> KEY = LWWMapKey.create("chorus-nodes");

    private final ClusterPeers peers;
    private final Cluster cluster;
    private final String self;
    private Map<String, Endpoints> entries = Map.of();

    public static Behavior<Command> create(ClusterPeers peers, Endpoints own) {
        return Behaviors.setup(ctx -> DistributedData.withReplicatorMessageAdapter(
                (ReplicatorMessageAdapter<Command, LWWMap<String, Endpoints>> replicator) ->
                        new NodeDirectory(ctx, replicator, peers, own)));
    }

    private NodeDirectory(ActorContext<Command> ctx, ReplicatorMessageAdapter<Command, LWWMap<String, Endpoints>> replicator,
                          ClusterPeers peers, Endpoints own) {
        super(ctx);
        this.peers = peers;
        this.cluster = Cluster.get(ctx.getSystem());
        this.self = cluster.selfMember().address().toString();
        SelfUniqueAddress node = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
        replicator.subscribe(KEY, rsp -> rsp instanceof Replicator.Changed<LWWMap<String, Endpoints>> c
                ? new Changed(Map.copyOf(c.get(KEY).getEntries())) : Ignored.INSTANCE);
        replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWMap.create(), Replicator.writeLocal(), replyTo,
                map -> map.put(node, self, own)), rsp -> Ignored.INSTANCE);
        var events = ctx.messageAdapter(ClusterEvent.ClusterDomainEvent.class, MembershipChanged::new);
        cluster.subscriptions().tell(Subscribe.create(events, ClusterEvent.ClusterDomainEvent.class));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Changed.class, this::onChanged)
                .onMessage(MembershipChanged.class, m -> publish())
                .onMessageEquals(Ignored.INSTANCE, () -> this)
                .build();
    }

    private Behavior<Command> onChanged(Changed changed) {
        entries = changed.entries();
        return publish();
    }

    private Behavior<Command> publish() {
        var state = cluster.state();
        Set<String> unreachable = new HashSet<>();
        state.getUnreachable().forEach(m -> unreachable.add(m.address().toString()));
        Map<String, ClusterPeers.Peer> now = new HashMap<>();
        for (var member : state.getMembers()) {
            String address = member.address().toString();
            Endpoints e = entries.get(address);
            if (e != null && !address.equals(self) && member.status() == MemberStatus.up()
                    && !unreachable.contains(address)) {
                now.put(address, new ClusterPeers.Peer(address, e.host(), e.controlPort(), e.filesPort(),
                        e.tlsFingerprint() == null ? "" : e.tlsFingerprint()));
            }
        }
        peers.peers(now);
        return this;
    }
}
