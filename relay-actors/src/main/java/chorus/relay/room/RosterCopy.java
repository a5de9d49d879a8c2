package chorus.relay.room;

import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.relay.media.MediaGateway;
import chorus.relay.media.MediaRoute;
import chorus.relay.mixer.Mixer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A {@link Room} part's copy of the whole room's roster, each member with the node it is on, as the
 * sharded room announces it. Members on other nodes are "remote": the gateway takes their media
 * from the peer nodes and this node's mixer mixes them. Newcomers and members back under a new
 * media id are collected here for the part to tell its own members about.
 */
final class RosterCopy {
    private final String node;
    private final MediaGateway gateway;
    private final ActorRef<Mixer.Command> mixer;
    private final Map<String, RoomEntity.Member> byParticipant = new LinkedHashMap<>();
    /** The same members by media id (the mixer's speakers name them so, every change). */
    private final Map<Integer, RoomEntity.Member> byMediaId = new java.util.HashMap<>();
    /** Media ids of members on other nodes, whose media this node takes from peers. */
    private final Set<Integer> remoteIds = new HashSet<>();
    private final List<ParticipantInfo> joined = new ArrayList<>();
    private final List<ParticipantInfo> updated = new ArrayList<>();

    RosterCopy(String node, MediaGateway gateway, ActorRef<Mixer.Command> mixer) {
        this.node = node;
        this.gateway = gateway;
        this.mixer = mixer;
    }

    /**
     * Takes a member in. Someone new is to be announced; someone known whose media id changed (a
     * resume through another node) is to be told as updated: they never left.
     */
    void merge(RoomEntity.Member m) {
        RoomEntity.Member old = byParticipant.put(m.info().participantId(), m);
        int id = m.info().mediaId();
        if (old != null) {
            byMediaId.remove(old.info().mediaId());
        }
        byMediaId.put(id, m);
        boolean remote = !m.home().node().equals(node);
        if (old == null) {
            joined.add(m.info());
        } else if (old.info().mediaId() != id) {
            forgetRemote(old.info().mediaId());
            updated.add(m.info());
        }
        if (remote && remoteIds.add(id)) {
            RoomEntity.Home h = m.home();
            gateway.registerRemote(id, mixer, new InetSocketAddress(h.host(), h.videoPort()));
            mixer.tell(new Mixer.AddMember(id));
        } else if (!remote && remoteIds.remove(id)) {
            gateway.unregisterRemote(id); // now connected here; the local join added it to the mixer
        }
    }

    /** A member left the room (told by the room, or by this node for its own member). */
    RoomEntity.Member remove(String participantId, int mediaId) {
        forgetRemote(mediaId);
        RoomEntity.Member gone = byParticipant.remove(participantId);
        if (gone != null) {
            byMediaId.remove(gone.info().mediaId());
        }
        return gone;
    }

    private void forgetRemote(int mediaId) {
        if (remoteIds.remove(mediaId)) {
            gateway.unregisterRemote(mediaId);
            mixer.tell(new Mixer.RemoveMember(mediaId));
        }
    }

    RoomEntity.Member get(String participantId) {
        return byParticipant.get(participantId);
    }

    /** The member with media id {@code mediaId}, or null. */
    RoomEntity.Member byMediaId(int mediaId) {
        return byMediaId.get(mediaId);
    }

    Collection<RoomEntity.Member> members() {
        return byParticipant.values();
    }

    List<ParticipantInfo> infos() {
        List<ParticipantInfo> infos = new ArrayList<>(byParticipant.size());
        for (RoomEntity.Member m : byParticipant.values()) {
            infos.add(m.info());
        }
        return List.copyOf(infos);
    }

    int size() {
        return byParticipant.size();
    }

    Set<Integer> remoteIds() {
        return remoteIds;
    }

    /** Every other node with members of the room, once each: where media crosses to. */
    MediaRoute.Peer[] peers() {
        Map<String, MediaRoute.Peer> peers = new LinkedHashMap<>();
        for (RoomEntity.Member m : byParticipant.values()) {
            RoomEntity.Home h = m.home();
            if (!h.node().equals(node) && !peers.containsKey(h.node())) {
                peers.put(h.node(), gateway.peer(h.node(), new InetSocketAddress(h.host(), h.videoPort()),
                        new InetSocketAddress(h.host(), h.audioPort())));
            }
        }
        return peers.values().toArray(new MediaRoute.Peer[0]);
    }

    /** Newcomers since the last call, to announce. */
    List<ParticipantInfo> takeJoined() {
        List<ParticipantInfo> taken = List.copyOf(joined);
        joined.clear();
        return taken;
    }

    /** Members back under a new media id since the last call, to announce. */
    List<ParticipantInfo> takeUpdated() {
        List<ParticipantInfo> taken = List.copyOf(updated);
        updated.clear();
        return taken;
    }

    /** The part stops: the gateway no longer takes its remote members' media. */
    void close() {
        for (int id : remoteIds) {
            gateway.unregisterRemote(id);
        }
    }
}
