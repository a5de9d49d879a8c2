package chorus.relay.room;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.media.MediaHeader;
import chorus.relay.cluster.CborSerializable;
import chorus.relay.cluster.Drain;
import chorus.relay.config.RelayConfig;
import chorus.relay.files.FileStore;
import chorus.relay.media.MediaGateway;
import chorus.relay.media.MediaPort;
import chorus.relay.media.MediaRoute;
import chorus.relay.mixer.Mixer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * A room (the session): its roster and joined/left notifications, its chat history (one order for
 * everyone), its presenter and its file index, and the fan-out of video (and of the presenter's
 * screen) to every other participant whose video address is known, which it publishes for the
 * {@link MediaGateway} to forward by. Audio goes to
 * the room's {@link Mixer}, a child. Rooms never see each other's members. An empty room is kept
 * for the configured retention (so people can come back to its history and files), then its files
 * are deleted and it asks to be stopped.
 *
 * <p>In a cluster this actor is the room's part on this node: its local members' fan-out and
 * mixer. The room itself (roster, presenter, chat, files) is the sharded {@link RoomEntity}; this
 * part tells it what its members do and follows what it announces, keeps a copy of the whole
 * roster, forwards media once to each other node with members and takes theirs (see
 * {@link MediaGateway}), and mixes remote talkers for its own members.
 */
public final class Room extends AbstractBehavior<Room.Command> {

    public sealed interface Command extends CborSerializable {
    }

    /** This node's part of a clustered room: the sharded room and where this node takes media. */
    public record ClusterLink(org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<RoomEntity.Command> entity,
                              String node, String host, int videoPort, int audioPort) {
    }

    /** From the sharded room: a member of this node is in; what the room holds, for its welcome. */
    public record Admitted(String participantId, List<RoomEntity.Member> roster, List<ControlMessage.ChatMessage> history,
                           List<FileInfo> files, ParticipantInfo presenter) implements Command {
    }

    /** From the sharded room: someone joined (or resumed, or was already there) on some node. */
    public record MemberJoined(RoomEntity.Member member) implements Command {
    }

    public record MemberLeft(ParticipantInfo info, String reason) implements Command {
    }

    /** From the sharded room: a message for every member here (chat, file, presenter). */
    public record Deliver(ControlMessage message) implements Command {
    }

    public record DeliverTo(int mediaId, ControlMessage message) implements Command {
    }

    /** From the sharded room: the chat message of this part's request is stored and sent out. */
    public record ChatAccepted(String requestId) implements Command {
    }

    /** From the sharded room: the file is in its index. */
    public record FileAccepted(String fileId) implements Command {
    }

    private enum SyncTick implements Command {
        INSTANCE
    }

    /**
     * This node drains: its members here are told to move to the other nodes, and as each one goes
     * the room keeps its place ({@link RoomEntity#MOVED}) for it to come back through another node.
     */
    public record Drain(ControlMessage.Move move) implements Command {
    }

    /** A member's sharded room has not answered in time: if it is resuming, admit it from a copy of the room. */
    private record AdmitFromCopy(int mediaId) implements Command {
    }

    /** This node's replica of the room's replicated entries, read for a member resuming here. */
    private record ReplicaRead(int mediaId, Map<String, RoomEntity.Entry> entries) implements Command {
    }

    public record Join(ParticipantInfo info, ActorRef<Participant.Command> participant) implements Command {
    }

    public record Leave(int mediaId, String reason) implements Command {
    }

    /** A participant's media address for a port was learned or moved. */
    public record AddressLearned(int mediaId, MediaPort port, InetSocketAddress address) implements Command {
    }

    /** A chat message from a member (its length already checked by its connection). */
    public record Chat(int mediaId, String text) implements Command {
    }

    /** A member asks to start or stop presenting. */
    public record ScreenShare(int mediaId, boolean start) implements Command {
    }

    /** A file was uploaded to this room and is complete on disk. */
    public record FileAdded(FileInfo file) implements Command {
    }

    /** The room's file index, for a listing. */
    public record ListFiles(ActorRef<List<FileInfo>> replyTo) implements Command {
    }

    /** One file of the room, if it has it. */
    public record LookupFile(String fileId, ActorRef<Optional<FileInfo>> replyTo) implements Command {
    }

    /** Talkers' levels from the mixer, passed on to every member. */
    public record AudioLevels(List<ControlMessage.AudioLevel> levels) implements Command {
    }

    private record MemberStopped(int mediaId) implements Command {
    }

    private enum RetentionOver implements Command {
        INSTANCE
    }

    private static final class Member {
        final ParticipantInfo info;
        final ActorRef<Participant.Command> ref;
        InetSocketAddress video;

        Member(ParticipantInfo info, ActorRef<Participant.Command> ref) {
            this.info = info;
            this.ref = ref;
        }
    }

    private final String name;
    private final ActorRef<Rooms.Command> rooms;
    private final MediaGateway gateway;
    private final RelayConfig config;
    private final FileStore files;
    private final TimerScheduler<Command> timers;
    private final ActorRef<Mixer.Command> mixer;
    private final Map<Integer, Member> members = new LinkedHashMap<>();
    /** Members in join order, rebuilt on change, so the per-datagram fan-out is a plain array walk. */
    private Member[] fanout = new Member[0];
    private final ArrayDeque<ControlMessage.ChatMessage> chatHistory = new ArrayDeque<>();
    private final Map<String, FileInfo> fileIndex = new LinkedHashMap<>();
    private long nextChatId = 1;
    private Member presenter;
    private long joinsSeen;
    private final ClusterLink cluster;
    /** Clustered: the whole roster by participant id, with each member's node. */
    private final Map<String, RoomEntity.Member> roster = new LinkedHashMap<>();
    /** Clustered: media ids of members on other nodes, whose media this node takes from peers. */
    private final Set<Integer> remoteIds = new HashSet<>();
    private ParticipantInfo clusterPresenter;
    /** Newcomers to tell the members here about, once the new fan-out is published. */
    private final List<ParticipantInfo> announce = new ArrayList<>();
    /** Members who came back with a new media id, to tell the members here about likewise. */
    private final List<ParticipantInfo> updated = new ArrayList<>();
    /**
     * How long a resuming member waits for the sharded room before this part admits it from its own
     * copy of the roster. The sharded room is slow to answer only when it lived on the node that was
     * lost: it moves once that node is downed, seconds later.
     */
    static final Duration RESUME_FROM_COPY_AFTER = Duration.ofMillis(500);
    /** Media ids of members admitted from this part's copy, whose sharded room has not answered yet. */
    private final Set<Integer> admittedFromCopy = new HashSet<>();
    /** Media ids of members here whose join the sharded room has not answered: asked again every second. */
    private final Map<Integer, RoomEntity.Join> unadmitted = new LinkedHashMap<>();
    /** Chat messages and files told to the sharded room and not yet confirmed: told again every second. */
    private final Map<String, RoomEntity.Chat> unconfirmedChat = new LinkedHashMap<>();
    private final Map<String, RoomEntity.FileAdded> unconfirmedFiles = new LinkedHashMap<>();
    /** Makes this part's chat requests unique in the room, across nodes and restarts. */
    private final String requestPrefix = UUID.randomUUID() + "/";
    private long nextRequest;
    /**
     * Set while this node drains: what members here are told (also one whose join was already under
     * way); members who go then have moved, not left.
     */
    private ControlMessage.Move move;

    public static Behavior<Command> create(String name, ActorRef<Rooms.Command> rooms, MediaGateway gateway,
                                           RelayConfig config, FileStore files) {
        return create(name, rooms, gateway, config, files, null);
    }

    /** @param cluster null for a node on its own */
    public static Behavior<Command> create(String name, ActorRef<Rooms.Command> rooms, MediaGateway gateway,
                                           RelayConfig config, FileStore files, ClusterLink cluster) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new Room(ctx, timers, name, rooms, gateway, config, files, cluster)));
    }

    private Room(ActorContext<Command> ctx, TimerScheduler<Command> timers, String name,
                 ActorRef<Rooms.Command> rooms, MediaGateway gateway, RelayConfig config, FileStore files,
                 ClusterLink cluster) {
        super(ctx);
        this.cluster = cluster;
        if (cluster != null) {
            timers.startTimerAtFixedRate(SyncTick.INSTANCE, Duration.ofSeconds(1));
        }
        this.timers = timers;
        this.name = name;
        this.rooms = rooms;
        this.gateway = gateway;
        this.config = config;
        this.files = files;
        this.mixer = ctx.spawn(Mixer.create(gateway, config, ctx.getSelf(), true), "mixer");
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Join.class, this::onJoin)
                .onMessage(Leave.class, l -> remove(l.mediaId(), l.reason()))
                .onMessage(MemberStopped.class, s -> remove(s.mediaId(), "disconnected"))
                .onMessage(AddressLearned.class, this::onAddressLearned)
                .onMessage(Chat.class, this::onChat)
                .onMessage(ScreenShare.class, this::onScreenShare)
                .onMessage(FileAdded.class, this::onFileAdded)
                .onMessage(ListFiles.class, l -> {
                    l.replyTo().tell(List.copyOf(fileIndex.values()));
                    return this;
                })
                .onMessage(LookupFile.class, l -> {
                    l.replyTo().tell(Optional.ofNullable(fileIndex.get(l.fileId())));
                    return this;
                })
                .onMessage(AudioLevels.class, levels -> {
                    ControlMessage.AudioLevels message = new ControlMessage.AudioLevels(levels.levels());
                    for (Member m : fanout) {
                        notify(m, message);
                    }
                    return this;
                })
                .onMessageEquals(RetentionOver.INSTANCE, this::onRetentionOver)
                .onMessage(Admitted.class, this::onAdmitted)
                .onMessage(AdmitFromCopy.class, this::onAdmitFromCopy)
                .onMessage(ReplicaRead.class, this::onReplicaRead)
                .onMessage(Drain.class, d -> {
                    if (cluster != null) {
                        move = d.move();
                        for (Member m : fanout) {
                            notify(m, move);
                        }
                    }
                    return this;
                })
                .onSignal(org.apache.pekko.actor.typed.PostStop.class, stop -> {
                    for (int id : remoteIds) {
                        gateway.unregisterRemote(id);
                    }
                    return this;
                })
                .onMessage(MemberJoined.class, j -> {
                    mergeMember(j.member());
                    rebuildFanout();
                    announceNewcomers(MediaHeader.RELAY_MEDIA_ID);
                    return this;
                })
                .onMessage(MemberLeft.class, this::onMemberLeft)
                .onMessage(Deliver.class, this::onDeliver)
                .onMessage(DeliverTo.class, d -> {
                    Member m = members.get(d.mediaId());
                    if (m != null) {
                        notify(m, d.message());
                    }
                    return this;
                })
                .onMessage(ChatAccepted.class, a -> {
                    unconfirmedChat.remove(a.requestId());
                    return this;
                })
                .onMessage(FileAccepted.class, a -> {
                    unconfirmedFiles.remove(a.fileId());
                    return this;
                })
                .onMessageEquals(SyncTick.INSTANCE, this::onSyncTick)
                .build();
    }

    /**
     * Every second: who is here, for the sharded room, and again whatever it has not confirmed (a
     * room whose node was lost takes nothing until it starts on another node, and what was sent to
     * the lost node is gone).
     */
    private Behavior<Command> onSyncTick() {
        if (move == null) {
            // Not while draining: a member that just moved would read as gone from the room.
            List<ParticipantInfo> here = new ArrayList<>();
            for (Member m : fanout) {
                here.add(m.info);
            }
            cluster.entity().tell(new RoomEntity.Sync(home(), here));
        }
        unadmitted.values().forEach(cluster.entity()::tell);
        unconfirmedChat.values().forEach(cluster.entity()::tell);
        unconfirmedFiles.values().forEach(cluster.entity()::tell);
        return this;
    }

    private Behavior<Command> onJoin(Join join) {
        joinsSeen++;
        timers.cancel(RetentionOver.INSTANCE);
        Member member = new Member(join.info(), join.participant());
        members.put(join.info().mediaId(), member);
        getContext().watchWith(join.participant(), new MemberStopped(join.info().mediaId()));
        rebuildFanout();
        mixer.tell(new Mixer.AddMember(join.info().mediaId()));
        if (cluster != null) {
            // The welcome waits for the sharded room's answer (Admitted), or for a resume not long.
            RoomEntity.Join ask = new RoomEntity.Join(new RoomEntity.Member(join.info(), home()));
            unadmitted.put(join.info().mediaId(), ask);
            cluster.entity().tell(ask);
            timers.startSingleTimer(admitKey(join.info().mediaId()), new AdmitFromCopy(join.info().mediaId()),
                    RESUME_FROM_COPY_AFTER);
            return this;
        }
        List<ParticipantInfo> roster = new ArrayList<>();
        for (Member m : members.values()) {
            roster.add(m.info);
        }
        join.participant().tell(new Participant.Joined(getContext().getSelf(), mixer, List.copyOf(roster)));
        sendWhatTheRoomHolds(member, chatHistory, fileIndex.values(), presenter == null ? null : presenter.info);
        tellOthers(join.info().mediaId(), new ControlMessage.ParticipantJoined(join.info()));
        getContext().getLog().info("join room={} name={} id={} ({} in room)",
                name, join.info().name(), join.info().participantId(), members.size());
        return this;
    }

    private Behavior<Command> remove(int mediaId, String reason) {
        Member gone = members.remove(mediaId);
        if (gone == null) {
            return this;
        }
        getContext().unwatch(gone.ref);
        timers.cancel(admitKey(mediaId));
        admittedFromCopy.remove(mediaId);
        unadmitted.remove(mediaId);
        if (cluster != null) {
            rebuildFanout();
            mixer.tell(new Mixer.RemoveMember(mediaId));
            if (move != null) {
                // Moving to another node: the room keeps its place; nobody here or there sees it leave.
                reason = RoomEntity.MOVED;
            } else {
                roster.remove(gone.info.participantId());
                tellOthers(mediaId, new ControlMessage.ParticipantLeft(gone.info, reason));
            }
            cluster.entity().tell(new RoomEntity.Leave(gone.info.participantId(), mediaId, reason));
            getContext().getLog().info("leave room={} name={} id={} reason={} ({} here)",
                    name, gone.info.name(), gone.info.participantId(), reason, members.size());
            if (members.isEmpty()) {
                rooms.tell(new Rooms.RoomIdle(name, joinsSeen));
            }
            return this;
        }
        rebuildFanout();
        mixer.tell(new Mixer.RemoveMember(mediaId));
        tellOthers(mediaId, new ControlMessage.ParticipantLeft(gone.info, reason));
        if (presenter == gone) {
            presenter = null;
            rebuildFanout();
            tellOthers(mediaId, new ControlMessage.PresenterChanged(null));
        }
        getContext().getLog().info("leave room={} name={} id={} reason={} ({} in room)",
                name, gone.info.name(), gone.info.participantId(), reason, members.size());
        if (members.isEmpty()) {
            if (chatHistory.isEmpty() && fileIndex.isEmpty()) {
                return onRetentionOver();
            }
            timers.startSingleTimer(RetentionOver.INSTANCE, config.roomRetention());
        }
        return this;
    }

    private Behavior<Command> onRetentionOver() {
        if (members.isEmpty()) {
            if (!fileIndex.isEmpty()) {
                files.deleteRoom(name);
                getContext().getLog().info("room={} empty for {}: its {} files deleted",
                        name, config.roomRetention(), fileIndex.size());
                fileIndex.clear();
            }
            rooms.tell(new Rooms.RoomIdle(name, joinsSeen));
        }
        return this;
    }

    private Behavior<Command> onAddressLearned(AddressLearned a) {
        Member m = members.get(a.mediaId());
        if (m == null) {
            return this;
        }
        if (a.port() == MediaPort.VIDEO) {
            m.video = a.address();
            rebuildFanout();
        } else {
            mixer.tell(new Mixer.ListenerAddress(a.mediaId(), a.address()));
        }
        MediaRoute route = gateway.route(a.mediaId());
        if (route != null) {
            route.routedTo(a.port(), a.address()); // now the gateway may acknowledge the client's hello
        }
        return this;
    }

    private Behavior<Command> onChat(Chat chat) {
        Member from = members.get(chat.mediaId());
        if (from == null) {
            return this;
        }
        if (cluster != null) {
            String request = requestPrefix + nextRequest++;
            RoomEntity.Chat ask = new RoomEntity.Chat(from.info, chat.text(), request, getContext().getSelf());
            unconfirmedChat.put(request, ask);
            cluster.entity().tell(ask);
            return this;
        }
        ControlMessage.ChatMessage message = new ControlMessage.ChatMessage(nextChatId++, from.info.participantId(),
                from.info.name(), chat.text(), System.currentTimeMillis(), false);
        chatHistory.addLast(message);
        while (chatHistory.size() > config.chatHistory()) {
            chatHistory.removeFirst();
        }
        // Everyone, the sender included, gets it from here: one order for all.
        for (Member m : fanout) {
            notify(m, message);
        }
        return this;
    }

    private Behavior<Command> onScreenShare(ScreenShare s) {
        Member who = members.get(s.mediaId());
        if (who == null) {
            return this;
        }
        if (cluster != null) {
            cluster.entity().tell(new RoomEntity.ScreenShare(who.info, s.start(), getContext().getSelf()));
            return this;
        }
        if (s.start()) {
            if (presenter != null && presenter != who) {
                notify(who, ControlMessage.Error.of(ErrorCode.PRESENTER_BUSY, presenter.info.name() + " is presenting"));
                return this;
            }
            if (presenter == who) {
                return this;
            }
            presenter = who;
        } else {
            if (presenter != who) {
                return this;
            }
            presenter = null;
        }
        rebuildFanout();
        ControlMessage.PresenterChanged changed = new ControlMessage.PresenterChanged(presenter == null ? null : presenter.info);
        for (Member m : fanout) {
            notify(m, changed);
        }
        getContext().getLog().info("room={} presenter {}", name, presenter == null ? "none" : presenter.info.name());
        return this;
    }

    private Behavior<Command> onFileAdded(FileAdded added) {
        if (cluster != null) {
            RoomEntity.FileAdded ask = new RoomEntity.FileAdded(added.file(), getContext().getSelf());
            unconfirmedFiles.put(added.file().fileId(), ask);
            cluster.entity().tell(ask);
            return this;
        }
        fileIndex.put(added.file().fileId(), added.file());
        for (Member m : fanout) {
            notify(m, new ControlMessage.FileOffered(added.file(), false));
        }
        getContext().getLog().info("room={} file {} ({} bytes) from {}", name, added.file().name(),
                added.file().size(), added.file().uploaderName());
        return this;
    }

    /**
     * After a welcome, what the room already holds, in PROTOCOL.md's order: the chat history
     * (marked as history), the files, then who presents, if anyone.
     */
    private static void sendWhatTheRoomHolds(Member member, Iterable<ControlMessage.ChatMessage> history,
                                             Iterable<FileInfo> files, ParticipantInfo presenting) {
        for (ControlMessage.ChatMessage m : history) {
            notify(member, new ControlMessage.ChatMessage(m.id(), m.participantId(), m.from(), m.text(),
                    m.serverTime(), true));
        }
        for (FileInfo f : files) {
            notify(member, new ControlMessage.FileOffered(f, true));
        }
        if (presenting != null) {
            notify(member, new ControlMessage.PresenterChanged(presenting));
        }
    }

    private static void notify(Member m, ControlMessage message) {
        m.ref.tell(new Participant.Notify(message));
    }

    private void tellOthers(int exceptMediaId, ControlMessage message) {
        for (Member m : fanout) {
            if (m.info.mediaId() != exceptMediaId) {
                notify(m, message);
            }
        }
    }

    /** Rebuilds the member array and publishes the room's fan-out to the gateway. */
    private void rebuildFanout() {
        fanout = members.values().toArray(new Member[0]);
        int[] ids = new int[fanout.length];
        InetSocketAddress[] video = new InetSocketAddress[fanout.length];
        for (int i = 0; i < fanout.length; i++) {
            ids[i] = fanout[i].info.mediaId();
            video[i] = fanout[i].video;
        }
        if (cluster == null) {
            int presenterId = presenter == null ? MediaHeader.RELAY_MEDIA_ID : presenter.info.mediaId();
            gateway.publishRoom(members.keySet(), new MediaRoute.RoomFanout(ids, video, presenterId));
            return;
        }
        int presenterId = clusterPresenter == null ? MediaHeader.RELAY_MEDIA_ID : clusterPresenter.mediaId();
        Map<String, MediaRoute.Peer> peers = new LinkedHashMap<>();
        for (RoomEntity.Member m : roster.values()) {
            RoomEntity.Home h = m.home();
            if (!h.node().equals(cluster.node()) && !peers.containsKey(h.node())) {
                peers.put(h.node(), gateway.peer(h.node(), new InetSocketAddress(h.host(), h.videoPort()),
                        new InetSocketAddress(h.host(), h.audioPort())));
            }
        }
        MediaRoute.RoomFanout published = new MediaRoute.RoomFanout(ids, video, presenterId,
                peers.values().toArray(new MediaRoute.Peer[0]));
        gateway.publishRoom(members.keySet(), published);
        gateway.publishRemotes(remoteIds, published);
    }

    // ---- clustered ----

    private RoomEntity.Home home() {
        return new RoomEntity.Home(cluster.node(), cluster.host(), cluster.videoPort(), cluster.audioPort(),
                getContext().getSelf());
    }

    private Member local(String participantId) {
        for (Member m : fanout) {
            if (m.info.participantId().equals(participantId)) {
                return m;
            }
        }
        return null;
    }

    private static String admitKey(int mediaId) {
        return "admit-" + mediaId;
    }

    private Behavior<Command> onAdmitted(Admitted admitted) {
        Member member = local(admitted.participantId());
        if (member == null) {
            return this; // left before the room answered
        }
        if (unadmitted.remove(member.info.mediaId()) == null) {
            return this; // an answer to a join asked again; already admitted
        }
        timers.cancel(admitKey(member.info.mediaId()));
        boolean welcomed = admittedFromCopy.remove(member.info.mediaId());
        for (RoomEntity.Member m : admitted.roster()) {
            mergeMember(m);
        }
        for (FileInfo f : admitted.files()) {
            fileIndex.put(f.fileId(), f);
        }
        clusterPresenter = admitted.presenter();
        rebuildFanout();
        announceNewcomers(member.info.mediaId());
        if (!welcomed) {
            List<ParticipantInfo> infos = new ArrayList<>();
            for (RoomEntity.Member m : admitted.roster()) {
                infos.add(m.info());
            }
            member.ref.tell(new Participant.Joined(getContext().getSelf(), mixer, List.copyOf(infos)));
        }
        // Admitted from the copy earlier: the history now fills what the lost node had not passed
        // on (marked as history, so a client that has a message already knows it by its id).
        sendWhatTheRoomHolds(member, admitted.history(), admitted.files(), clusterPresenter);
        if (move != null && !welcomed) {
            notify(member, move); // joined while this node drains: move on at once
        }
        getContext().getLog().info("join room={} name={} id={} ({} here, {} in room)", name, member.info.name(),
                member.info.participantId(), members.size(), roster.size());
        return this;
    }

    /**
     * A member resumed here (its node was lost) and the sharded room has not answered: it most
     * likely lived on the lost node and starts again elsewhere only once that node is downed. The
     * member is welcomed now from this part's copy of the roster, files and presenter, and the other
     * nodes' parts are told directly where it is, so media flows and nobody sees it leave. When the
     * sharded room answers, the chat history follows ({@link #onAdmitted}).
     */
    private Behavior<Command> onAdmitFromCopy(AdmitFromCopy admit) {
        Member member = members.get(admit.mediaId());
        if (member == null || !unadmitted.containsKey(admit.mediaId())) {
            return this; // gone again, or admitted meanwhile
        }
        RoomEntity.Member known = roster.get(member.info.participantId());
        if (known != null && known.info().mediaId() != member.info.mediaId()) {
            return admitFromCopy(member, List.of());
        }
        // Not in this part's copy (none here knew the room, or it is someone new): this node's
        // replica of the room says whether it is a member coming back.
        readReplica(admit.mediaId());
        return this;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void readReplica(int mediaId) {
        var key = RoomEntity.key(name);
        getContext().ask(Replicator.GetResponse.class, DistributedData.get(getContext().getSystem()).replicator(),
                Duration.ofSeconds(2), replyTo -> new Replicator.Get(key, Replicator.readLocal(), (ActorRef) replyTo),
                (rsp, failure) -> rsp instanceof Replicator.GetSuccess ok
                        ? new ReplicaRead(mediaId, Map.copyOf(((LWWMap<String, RoomEntity.Entry>) ok.get(key)).getEntries()))
                        : new ReplicaRead(mediaId, Map.of()));
    }

    /**
     * A resume on a node with no copy of the room (none of its members was here): the room's
     * members, files and chat from this node's replica, if they list the participant.
     */
    private Behavior<Command> onReplicaRead(ReplicaRead read) {
        Member member = members.get(read.mediaId());
        if (member == null || !unadmitted.containsKey(read.mediaId()) || admittedFromCopy.contains(read.mediaId())) {
            return this;
        }
        String pid = member.info.participantId();
        boolean listed = read.entries().values().stream().anyMatch(e -> e instanceof RoomEntity.MemberEntry m
                && m.member().info().participantId().equals(pid));
        if (!listed) {
            return this; // someone new: the welcome waits for the sharded room
        }
        List<ControlMessage.ChatMessage> history = new ArrayList<>();
        for (RoomEntity.Entry e : read.entries().values()) {
            if (e instanceof RoomEntity.MemberEntry m && !m.member().info().participantId().equals(pid)) {
                mergeMember(m.member());
            } else if (e instanceof RoomEntity.FileEntry f) {
                fileIndex.put(f.file().fileId(), f.file());
            } else if (e instanceof RoomEntity.ChatEntry c) {
                history.add(c.message());
            }
        }
        history.sort(Comparator.comparingLong(ControlMessage.ChatMessage::id));
        return admitFromCopy(member, history);
    }

    private Behavior<Command> admitFromCopy(Member member, List<ControlMessage.ChatMessage> history) {
        RoomEntity.Member here = new RoomEntity.Member(member.info, home());
        mergeMember(here);
        rebuildFanout();
        announceNewcomers(member.info.mediaId());
        Set<ActorRef<Command>> otherParts = new HashSet<>();
        List<ParticipantInfo> infos = new ArrayList<>();
        for (RoomEntity.Member m : roster.values()) {
            infos.add(m.info());
            if (!m.home().node().equals(cluster.node())) {
                otherParts.add(m.home().room());
            }
        }
        for (ActorRef<Command> part : otherParts) {
            part.tell(new MemberJoined(here));
        }
        admittedFromCopy.add(member.info.mediaId());
        member.ref.tell(new Participant.Joined(getContext().getSelf(), mixer, List.copyOf(infos)));
        sendWhatTheRoomHolds(member, history, fileIndex.values(), clusterPresenter);
        if (move != null) {
            notify(member, move);
        }
        getContext().getLog().info("resume room={} name={} id={}: welcomed from this node's copy of the room"
                + " ({} in room); the sharded room has not answered in {} ms", name, member.info.name(),
                member.info.participantId(), roster.size(), RESUME_FROM_COPY_AFTER.toMillis());
        return this;
    }

    /**
     * Takes a member into the roster copy. Someone new is announced to the members here; someone
     * known whose node changed (a resume through another node) is not: they never left.
     */
    private void mergeMember(RoomEntity.Member m) {
        RoomEntity.Member old = roster.put(m.info().participantId(), m);
        int id = m.info().mediaId();
        boolean remote = !m.home().node().equals(cluster.node());
        if (old == null) {
            announce.add(m.info());
        } else if (old.info().mediaId() != id) {
            // Resumed through another node with a new media id: the members here must map it.
            if (remoteIds.remove(old.info().mediaId())) {
                gateway.unregisterRemote(old.info().mediaId());
                mixer.tell(new Mixer.RemoveMember(old.info().mediaId()));
            }
            updated.add(m.info());
        }
        if (remote && remoteIds.add(id)) {
            gateway.registerRemote(id, mixer);
            mixer.tell(new Mixer.AddMember(id));
        } else if (!remote && remoteIds.remove(id)) {
            gateway.unregisterRemote(id); // now connected here; the local join added it to the mixer
        }
    }

    /** @param welcomed the member being welcomed now (its roster says it all), or the relay's id */
    private void announceNewcomers(int welcomed) {
        for (ParticipantInfo info : announce) {
            for (Member m : fanout) {
                if (m.info.mediaId() != info.mediaId() && m.info.mediaId() != welcomed) {
                    notify(m, new ControlMessage.ParticipantJoined(info));
                }
            }
        }
        announce.clear();
        for (ParticipantInfo info : updated) {
            for (Member m : fanout) {
                if (m.info.mediaId() != info.mediaId()) {
                    notify(m, new ControlMessage.ParticipantUpdated(info));
                }
            }
        }
        updated.clear();
    }

    private Behavior<Command> onMemberLeft(MemberLeft left) {
        String pid = left.info().participantId();
        if (local(pid) != null) {
            return this; // connected here: its leave is this node's to tell
        }
        RoomEntity.Member gone = roster.remove(pid);
        int id = left.info().mediaId();
        if (remoteIds.remove(id)) {
            gateway.unregisterRemote(id);
            mixer.tell(new Mixer.RemoveMember(id));
        }
        if (gone != null) {
            tellOthers(id, new ControlMessage.ParticipantLeft(left.info(), left.reason()));
        }
        rebuildFanout();
        return this;
    }

    private Behavior<Command> onDeliver(Deliver d) {
        if (d.message() instanceof ControlMessage.FileOffered offered) {
            fileIndex.put(offered.file().fileId(), offered.file());
        } else if (d.message() instanceof ControlMessage.PresenterChanged changed) {
            clusterPresenter = changed.presenter();
            rebuildFanout();
        }
        for (Member m : fanout) {
            notify(m, d.message());
        }
        return this;
    }
}
