package chorus.relay.room;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ChatMessage;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaHeader;
import chorus.relay.config.RelayConfig;
import chorus.relay.media.MediaGateway;
import chorus.relay.media.MediaPort;
import chorus.relay.media.MediaRoute;
import chorus.relay.mixer.Mixer;
import chorus.relay.media.LayerMask;
import chorus.relay.metrics.Limit;
import chorus.relay.room.LocalMembers.Member;
import chorus.relay.subscription.ForwardingPlan;
import chorus.relay.subscription.SubscriptionCheck;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * A room's part on this node: its members here, the fan-out of video (and of the presenter's
 * screen) to each of them and once to each other node with members, which it publishes for the
 * {@link MediaGateway} to forward by, and the room's {@link Mixer} for them (a child), which also
 * mixes the talkers of other nodes. The room's rules (roster, presenter, chat order and history,
 * file index) live in the sharded {@link RoomEntity}, on a relay of its own too (a cluster of one):
 * this part tells it what its members do, follows what it announces, and keeps a copy of the
 * roster ({@link RosterCopy}), the presenter and the file index. The part stops once it has no
 * members; the room itself keeps its history and files for the retention.
 */
public final class Room extends AbstractBehavior<Room.Command> {

    /** Local messages only: the room's entity talks to this part through {@link RoomEntity.Event}. */
    public sealed interface Command {
    }

    /** This node's part of a room: the sharded room, this node's cluster address and media ports. */
    public record Link(EntityRef<RoomEntity.Command> entity, String node, String host, int videoPort, int audioPort) {
    }

    public record Join(ParticipantInfo info, ActorRef<Participant.Command> participant, String identity,
                       boolean subscribe) implements Command {
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

    /** What a member shows ({@code subscribe}, rate-limited by its connection), to check and forward by. */
    public record Subscribe(int mediaId, ControlMessage.Subscribe subscription) implements Command {
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

    /**
     * The room's speakers from its mixer, on every change: {@code recent} media ids, the dominant
     * speaker first (empty before anyone spoke). Members are told ({@link ControlMessage.DominantSpeaker});
     * last-N subscriptions follow this order.
     */
    public record Speakers(List<Integer> recent) implements Command {
    }

    /**
     * This node drains: its members here are told to move to the other nodes, and as each one goes
     * the room keeps its place ({@link RoomEntity#MOVED}) for it to come back through another node.
     */
    public record Drain(ControlMessage.Move move) implements Command {
    }

    /** The part's own messages: the room's events, timers, watched members. */
    private sealed interface Internal extends Command {
    }

    private record FromRoom(RoomEntity.Event event) implements Internal {
    }

    private record MemberStopped(int mediaId) implements Internal {
    }

    private enum SyncTick implements Internal {
        INSTANCE
    }

    /** A member's sharded room has not answered in time: if it is resuming, admit it from a copy of the room. */
    private record AdmitFromCopy(int mediaId) implements Internal {
    }

    /** This node's replica of the room's replicated entries, read for a member resuming here. */
    private record ReplicaRead(int mediaId, Map<String, RoomEntity.Entry> entries) implements Internal {
    }

    /**
     * How long a resuming member waits for the sharded room before this part admits it from its own
     * copy of the roster. The sharded room is slow to answer only when it lived on the node that was
     * lost: it moves once that node is downed, seconds later.
     */
    static final Duration RESUME_FROM_COPY_AFTER = Duration.ofMillis(500);

    private final String name;
    private final ActorRef<Rooms.Command> rooms;
    private final MediaGateway gateway;
    private final TimerScheduler<Command> timers;
    private final ActorRef<Mixer.Command> mixer;
    private final Link link;
    /** Where the room's events reach this part. */
    private final ActorRef<RoomEntity.Event> events;
    private final LocalMembers members = new LocalMembers();
    private final RosterCopy roster;
    private final Map<String, FileInfo> fileIndex = new LinkedHashMap<>();
    private ParticipantInfo presenter;
    /** The mixer's recent speakers, dominant first (media ids): what last-N follows. */
    private List<Integer> recentSpeakers = List.of();
    private long joinsSeen;
    private final int maxSubscribedStreams;
    /** Per peer node, the layers of this node's senders its members subscribe to (its last NodeWants). */
    private final Map<String, Map<Integer, Integer>> peerWants = new HashMap<>();
    /** Per peer node, what this part last told it it wants of that node's senders, and which part of it was told. */
    private final Map<String, Map<Integer, Integer>> toldWants = new HashMap<>();
    private final Map<String, ActorRef<RoomEntity.Event>> toldWantsTo = new HashMap<>();
    /** The fan-out last published: what a member welcomed later is told it is wanted for. */
    private ForwardingPlan plan;
    private final Unconfirmed unconfirmed = new Unconfirmed();
    /** Media ids of members admitted from this part's copy, whose sharded room has not answered yet. */
    private final Set<Integer> admittedFromCopy = new HashSet<>();
    /**
     * Set while this node drains: what members here are told (also one whose join was already under
     * way); members who go then have moved, not left.
     */
    private ControlMessage.Move move;

    /** The part's log lines carry the room's name ({@code room} in the MDC). */
    public static Behavior<Command> create(String name, ActorRef<Rooms.Command> rooms, MediaGateway gateway,
                                           RelayConfig config, Link link) {
        return Behaviors.withMdc(Command.class, Map.of("room", name), Behaviors.setup(ctx -> Behaviors.withTimers(
                timers -> new Room(ctx, timers, name, rooms, gateway, config, link))));
    }

    private Room(ActorContext<Command> ctx, TimerScheduler<Command> timers, String name,
                 ActorRef<Rooms.Command> rooms, MediaGateway gateway, RelayConfig config, Link link) {
        super(ctx);
        this.link = link;
        this.timers = timers;
        this.name = name;
        this.rooms = rooms;
        this.gateway = gateway;
        this.mixer = ctx.spawn(Mixer.create(gateway, config, ctx.getSelf(), true), "mixer");
        this.roster = new RosterCopy(link.node(), gateway, mixer);
        this.events = ctx.messageAdapter(RoomEntity.Event.class, FromRoom::new);
        this.maxSubscribedStreams = config.limits().maxSubscribedStreams();
        timers.startTimerAtFixedRate(SyncTick.INSTANCE, Duration.ofSeconds(1));
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
                .onMessage(Subscribe.class, this::onSubscribe)
                .onMessage(FileAdded.class, this::onFileAdded)
                .onMessage(ListFiles.class, this::onListFiles)
                .onMessage(LookupFile.class, this::onLookupFile)
                .onMessage(AudioLevels.class, this::onAudioLevels)
                .onMessage(Speakers.class, this::onSpeakers)
                .onMessage(Drain.class, this::onDrain)
                .onMessage(FromRoom.class, this::onRoomEvent)
                .onMessage(AdmitFromCopy.class, this::onAdmitFromCopy)
                .onMessage(ReplicaRead.class, this::onReplicaRead)
                .onMessageEquals(SyncTick.INSTANCE, this::onSyncTick)
                .onSignal(PostStop.class, stop -> {
                    roster.close();
                    return this;
                })
                .build();
    }

    private Behavior<Command> onRoomEvent(FromRoom from) {
        RoomEntity.Event event = from.event();
        if (event instanceof RoomEntity.Admitted admitted) {
            return onAdmitted(admitted);
        } else if (event instanceof RoomEntity.MemberJoined joined) {
            roster.merge(joined.member());
            rebuildFanout();
            announceNewcomers(MediaHeader.RELAY_MEDIA_ID);
        } else if (event instanceof RoomEntity.MemberLeft left) {
            return onMemberLeft(left);
        } else if (event instanceof RoomEntity.Deliver deliver) {
            return onDeliver(deliver.message());
        } else if (event instanceof RoomEntity.DeliverTo deliver) {
            Member m = members.get(deliver.mediaId());
            if (m != null) {
                m.notify(deliver.message());
            }
        } else if (event instanceof RoomEntity.Refused refused) {
            Member m = members.byParticipant(refused.participantId());
            if (m != null && unconfirmed.joinAnswered(m.info.mediaId())) {
                timers.cancel(admitKey(m.info.mediaId()));
                m.ref.tell(new Participant.Refuse(refused.code(), refused.message())); // it leaves, then goes
            }
        } else if (event instanceof RoomEntity.NodeWants wants) {
            peerWants.put(wants.node(), wants.masks());
            rebuildFanout();
        } else if (event instanceof RoomEntity.ChatAccepted accepted) {
            unconfirmed.chatAccepted(accepted.requestId());
        } else if (event instanceof RoomEntity.FileAccepted accepted) {
            unconfirmed.fileAccepted(accepted.fileId());
        }
        return this;
    }

    /**
     * Every second: who is here, for the sharded room, and again whatever it has not confirmed (a
     * room whose node was lost takes nothing until it starts on another node, and what was sent to
     * the lost node is gone).
     */
    private Behavior<Command> onSyncTick() {
        if (move == null) {
            // Not while draining: a member that just moved would read as gone from the room.
            link.entity().tell(new RoomEntity.Sync(home(), members.infos()));
        }
        unconfirmed.resend(link.entity());
        return this;
    }

    /** The welcome waits for the sharded room's answer ({@link RoomEntity.Admitted}), or for a resume not long. */
    private Behavior<Command> onJoin(Join join) {
        joinsSeen++;
        int id = join.info().mediaId();
        members.add(join.info(), join.participant(), join.identity(), join.subscribe());
        getContext().watchWith(join.participant(), new MemberStopped(id));
        rebuildFanout();
        mixer.tell(new Mixer.AddMember(id));
        RoomEntity.Join ask = new RoomEntity.Join(new RoomEntity.Member(join.info(), home(), join.identity()));
        unconfirmed.join(id, ask);
        link.entity().tell(ask);
        timers.startSingleTimer(admitKey(id), new AdmitFromCopy(id), RESUME_FROM_COPY_AFTER);
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
        unconfirmed.joinAnswered(mediaId);
        rebuildFanout();
        mixer.tell(new Mixer.RemoveMember(mediaId));
        if (move != null) {
            // Moving to another node: the room keeps its place; nobody here or there sees it leave.
            reason = RoomEntity.MOVED;
        } else if (roster.remove(gone.info.participantId(), mediaId) != null) {
            // (one the room never admitted, e.g. refused as the room is full, was never seen to join)
            members.tellOthers(mediaId, new ControlMessage.ParticipantLeft(gone.info, reason));
        }
        link.entity().tell(new RoomEntity.Leave(gone.info.participantId(), mediaId, reason));
        getContext().getLog().info("leave name={} id={} reason={} ({} here)",
                gone.info.name(), gone.info.participantId(), reason, members.size());
        if (members.isEmpty()) {
            rooms.tell(new Rooms.RoomIdle(name, joinsSeen));
        }
        return this;
    }

    private Behavior<Command> onAddressLearned(AddressLearned a) {
        Member m = members.get(a.mediaId());
        if (m == null) {
            return this;
        }
        MediaRoute route = gateway.route(a.mediaId());
        if (a.port() == MediaPort.VIDEO) {
            m.video = a.address();
            rebuildFanout();
        } else if (m.subscribe) {
            // no mix for one not granted subscribe
            mixer.tell(new Mixer.ListenerAddress(a.mediaId(), a.address(),
                    route == null ? Codec.PCM16 : route.mixCodec()));
        }
        if (route != null) {
            route.routedTo(a.port(), a.address()); // now the gateway may acknowledge the client's hello
        }
        return this;
    }

    private Behavior<Command> onChat(Chat chat) {
        Member from = members.get(chat.mediaId());
        if (from != null) {
            link.entity().tell(unconfirmed.chat(from.info, chat.text(), events));
        }
        return this;
    }

    private Behavior<Command> onScreenShare(ScreenShare s) {
        Member who = members.get(s.mediaId());
        if (who != null) {
            link.entity().tell(new RoomEntity.ScreenShare(who.info, s.start(), events));
        }
        return this;
    }

    /**
     * A member's subscription, checked against the room: refused whole (it is told why, nothing
     * changes) or applied, cut to the cap if it asks for more (it is told so).
     */
    private Behavior<Command> onSubscribe(Subscribe subscribe) {
        Member m = members.get(subscribe.mediaId());
        if (m == null) {
            return this;
        }
        SubscriptionCheck.Result checked = SubscriptionCheck.check(subscribe.subscription(), m.info.participantId(),
                this::memberInfo, maxSubscribedStreams);
        if (checked.applied() != null) {
            m.subscription = checked.applied();
            rebuildFanout(); // published before the member hears of a cap: what it is told holds already
        }
        if (checked.error() != null) {
            if (checked.applied() != null) {
                gateway.stats().limitHit(Limit.SUBSCRIBED_STREAMS);
            }
            m.notify(checked.error());
        }
        return this;
    }

    /** A member of the room by participant id (here, or on any node), or null. */
    private ParticipantInfo memberInfo(String participantId) {
        RoomEntity.Member known = roster.get(participantId);
        if (known != null) {
            return known.info();
        }
        Member here = members.byParticipant(participantId);
        return here == null ? null : here.info;
    }

    private Behavior<Command> onFileAdded(FileAdded added) {
        // In the copy at once: the uploader may ask for it before the room's offer comes back.
        fileIndex.put(added.file().fileId(), added.file());
        link.entity().tell(unconfirmed.file(new RoomEntity.FileAdded(added.file(), events)));
        return this;
    }

    private Behavior<Command> onListFiles(ListFiles list) {
        list.replyTo().tell(List.copyOf(fileIndex.values()));
        return this;
    }

    private Behavior<Command> onLookupFile(LookupFile lookup) {
        lookup.replyTo().tell(Optional.ofNullable(fileIndex.get(lookup.fileId())));
        return this;
    }

    /**
     * Levels of at most this many talkers go in one message: each is at most 37 bytes of JSON, so
     * a room where thousands talk at once still sends frames under the 64 KiB limit.
     */
    static final int LEVELS_PER_MESSAGE = 1000;

    private Behavior<Command> onAudioLevels(AudioLevels levels) {
        List<ControlMessage.AudioLevel> all = levels.levels();
        for (int from = 0; from < all.size(); from += LEVELS_PER_MESSAGE) {
            members.tellAll(new ControlMessage.AudioLevels(
                    List.copyOf(all.subList(from, Math.min(all.size(), from + LEVELS_PER_MESSAGE)))));
        }
        return this;
    }

    private Behavior<Command> onSpeakers(Speakers speakers) {
        recentSpeakers = List.copyOf(speakers.recent());
        members.tellAll(dominantSpeaker());
        if (members.anyFollowsSpeakers()) {
            rebuildFanout(); // last-N follows the speakers
        }
        return this;
    }

    /** The recent speakers by participant id, dominant first, as members are told them. */
    private ControlMessage.DominantSpeaker dominantSpeaker() {
        List<String> recent = new ArrayList<>(recentSpeakers.size());
        for (int id : recentSpeakers) {
            RoomEntity.Member m = roster.byMediaId(id);
            if (m != null) {
                recent.add(m.info().participantId());
            }
        }
        return new ControlMessage.DominantSpeaker(recent.isEmpty() ? null : recent.get(0), recent);
    }

    /** A newcomer learns who speaks now, not only at the next change (silence keeps the last speaker). */
    private void tellSpeakers(Member newcomer) {
        if (!recentSpeakers.isEmpty()) {
            newcomer.notify(dominantSpeaker());
        }
    }

    private Behavior<Command> onDrain(Drain drain) {
        move = drain.move();
        members.tellAll(move);
        return this;
    }

    /**
     * Publishes the room's fan-out to the gateway: the room's (who is in it, who presents, the peer
     * nodes) and each sender's by the subscriptions ({@link ForwardingPlan}); then tells senders here
     * which of their layers anyone wants (dynacast) and other nodes what members here want of
     * their senders.
     */
    private void rebuildFanout() {
        int presenterId = presenter == null ? MediaHeader.RELAY_MEDIA_ID : presenter.mediaId();
        MediaRoute.Peer[] peers = roster.peers();
        gateway.publishRoom(members.mediaIds(), roster.remoteIds(), new MediaRoute.RoomState(presenterId, peers));
        Set<String> peerNodes = new HashSet<>();
        for (MediaRoute.Peer peer : peers) {
            peerNodes.add(peer.traffic().node());
        }
        peerWants.keySet().retainAll(peerNodes);
        plan = ForwardingPlan.build(senders(), members.receivers(), presenterId, recentSpeakers, link.node(), peers,
                peerWants);
        gateway.publishSenders(plan.fanouts());
        for (Member m : members.all()) {
            tellLayersWanted(m);
        }
        tellNodeWants();
    }

    /** The room's members that may send video, in room order: the roster, then members here it does not list yet. */
    private List<ForwardingPlan.Sender> senders() {
        List<ForwardingPlan.Sender> senders = new ArrayList<>(roster.size() + members.size());
        for (RoomEntity.Member m : roster.members()) {
            senders.add(new ForwardingPlan.Sender(m.info().mediaId(), m.info().participantId(), m.info().layerCount(),
                    m.home().node()));
        }
        for (Member m : members.all()) {
            if (roster.byMediaId(m.info.mediaId()) == null) {
                senders.add(new ForwardingPlan.Sender(m.info.mediaId(), m.info.participantId(), m.info.layerCount(),
                        link.node()));
            }
        }
        return senders;
    }

    /**
     * Dynacast: a member that announced its layers ({@code hello.layers}), once welcomed, is told
     * which of them (and whether its screen) anyone here or on a peer node wants, on every change.
     * Until told, a sender sends all.
     */
    private void tellLayersWanted(Member m) {
        if (!m.welcomed || m.info.layers() == null || plan == null) {
            return;
        }
        int sent = (LayerMask.camera(m.info.layerCount()) - 1) | LayerMask.SCREEN;
        int wanted = plan.wanted(m.info.mediaId()) & sent;
        if (wanted != (m.toldLayers < 0 ? sent : m.toldLayers)) {
            m.toldLayers = wanted;
            m.notify(new ControlMessage.LayersWanted(LayerMask.cameraLayers(wanted), LayerMask.screen(wanted)));
        }
    }

    /** Tells each other node's part, on change, which layers of its senders members here want (a summary per node). */
    private void tellNodeWants() {
        Map<String, ActorRef<RoomEntity.Event>> parts = new HashMap<>();
        for (RoomEntity.Member m : roster.members()) {
            if (!m.home().node().equals(link.node())) {
                parts.putIfAbsent(m.home().node(), m.home().room());
            }
        }
        for (Map.Entry<String, Map<Integer, Integer>> e : plan.wantsByNode().entrySet()) {
            ActorRef<RoomEntity.Event> part = parts.get(e.getKey());
            if (part != null && (!e.getValue().equals(toldWants.get(e.getKey())) || part != toldWantsTo.get(e.getKey()))) {
                part.tell(new RoomEntity.NodeWants(link.node(), Map.copyOf(e.getValue())));
                toldWants.put(e.getKey(), e.getValue());
                toldWantsTo.put(e.getKey(), part);
            }
        }
        toldWants.keySet().retainAll(parts.keySet());
        toldWantsTo.keySet().retainAll(parts.keySet());
    }

    private RoomEntity.Home home() {
        return new RoomEntity.Home(link.node(), link.host(), link.videoPort(), link.audioPort(), events);
    }

    private static String admitKey(int mediaId) {
        return "admit-" + mediaId;
    }

    private Behavior<Command> onAdmitted(RoomEntity.Admitted admitted) {
        // The whole roster comes once per part (RoomEntity.Admitted): kept even if its member left.
        for (RoomEntity.Member m : admitted.roster()) {
            roster.merge(m);
        }
        Member member = members.byParticipant(admitted.participantId());
        if (member == null || !unconfirmed.joinAnswered(member.info.mediaId())) {
            rebuildFanout();
            return this; // left before the room answered, or an answer to a join asked again
        }
        timers.cancel(admitKey(member.info.mediaId()));
        boolean welcomed = admittedFromCopy.remove(member.info.mediaId());
        // The room announces the newcomer (MemberJoined) right after this; the copy has it now.
        roster.merge(new RoomEntity.Member(member.info, home(), member.identity));
        for (FileInfo f : admitted.files()) {
            fileIndex.put(f.fileId(), f);
        }
        presenter = admitted.presenter();
        rebuildFanout();
        announceNewcomers(member.info.mediaId());
        if (!welcomed) {
            member.ref.tell(new Participant.Joined(getContext().getSelf(), mixer, roster.infos()));
            member.welcomed = true;
            tellLayersWanted(member);
        }
        // Admitted from the copy earlier: the history now fills what the lost node had not passed
        // on (marked as history, so a client that has a message already knows it by its id).
        member.tellWhatTheRoomHolds(admitted.history(), admitted.files(), presenter);
        if (!welcomed) {
            tellSpeakers(member);
            if (move != null) {
                member.notify(move); // joined while this node drains: move on at once
            }
        }
        getContext().getLog().info("join name={} id={} ({} here, {} in room)", member.info.name(),
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
        if (member == null || !unconfirmed.joinPending(admit.mediaId())) {
            return this; // gone again, or admitted meanwhile
        }
        RoomEntity.Member known = roster.get(member.info.participantId());
        if (known != null && known.info().mediaId() != member.info.mediaId()) {
            return admitFromCopy(member, List.of());
        }
        // Not in this part's copy (none here knew the room, or it is someone new): this node's
        // replica of the room says whether it is a member coming back.
        RoomReplica.readLocal(getContext(), name, entries -> new ReplicaRead(admit.mediaId(), entries));
        return this;
    }

    /**
     * A resume on a node with no copy of the room (none of its members was here): the room's
     * members, files and chat from this node's replica, if they list the participant.
     */
    private Behavior<Command> onReplicaRead(ReplicaRead read) {
        Member member = members.get(read.mediaId());
        if (member == null || !unconfirmed.joinPending(read.mediaId()) || admittedFromCopy.contains(read.mediaId())) {
            return this;
        }
        String pid = member.info.participantId();
        boolean listed = read.entries().values().stream().anyMatch(e -> e instanceof RoomEntity.MemberEntry m
                && m.member().info().participantId().equals(pid));
        if (!listed) {
            return this; // someone new: the welcome waits for the sharded room
        }
        List<ChatMessage> history = new ArrayList<>();
        for (RoomEntity.Entry e : read.entries().values()) {
            if (e instanceof RoomEntity.MemberEntry m && !m.member().info().participantId().equals(pid)) {
                roster.merge(m.member());
            } else if (e instanceof RoomEntity.FileEntry f) {
                fileIndex.put(f.file().fileId(), f.file());
            } else if (e instanceof RoomEntity.ChatEntry c) {
                history.add(c.message());
            }
        }
        history.sort(Comparator.comparingLong(ChatMessage::id));
        return admitFromCopy(member, history);
    }

    private Behavior<Command> admitFromCopy(Member member, List<ChatMessage> history) {
        RoomEntity.Member here = new RoomEntity.Member(member.info, home(), member.identity);
        roster.merge(here);
        rebuildFanout();
        announceNewcomers(member.info.mediaId());
        Set<ActorRef<RoomEntity.Event>> otherParts = new HashSet<>();
        for (RoomEntity.Member m : roster.members()) {
            if (!m.home().node().equals(link.node())) {
                otherParts.add(m.home().room());
            }
        }
        for (ActorRef<RoomEntity.Event> part : otherParts) {
            part.tell(new RoomEntity.MemberJoined(here));
        }
        admittedFromCopy.add(member.info.mediaId());
        member.ref.tell(new Participant.Joined(getContext().getSelf(), mixer, roster.infos()));
        member.welcomed = true;
        tellLayersWanted(member);
        member.tellWhatTheRoomHolds(history, fileIndex.values(), presenter);
        tellSpeakers(member);
        if (move != null) {
            member.notify(move);
        }
        getContext().getLog().info("resume name={} id={}: welcomed from this node's copy of the room"
                + " ({} in room); the sharded room has not answered in {} ms", member.info.name(),
                member.info.participantId(), roster.size(), RESUME_FROM_COPY_AFTER.toMillis());
        return this;
    }

    /** @param welcomed the member being welcomed now (its roster says it all), or the relay's id */
    private void announceNewcomers(int welcomed) {
        for (ParticipantInfo info : roster.takeJoined()) {
            // Not the newcomer itself, nor the member being welcomed (its roster says it all).
            members.tellOthers(info.mediaId(), welcomed, new ControlMessage.ParticipantJoined(info));
        }
        for (ParticipantInfo info : roster.takeUpdated()) {
            members.tellOthers(info.mediaId(), new ControlMessage.ParticipantUpdated(info));
        }
    }

    private Behavior<Command> onMemberLeft(RoomEntity.MemberLeft left) {
        String pid = left.info().participantId();
        if (members.byParticipant(pid) != null) {
            // connected here: its leave is this node's to tell; a replaced one's now, before the newcomer's news
            return members.replaced(left) ? remove(left.info().mediaId(), SameIdentity.REPLACED) : this;
        }
        RoomEntity.Member gone = roster.remove(pid, left.info().mediaId());
        if (gone != null) {
            members.tellOthers(left.info().mediaId(), new ControlMessage.ParticipantLeft(left.info(), left.reason()));
        }
        rebuildFanout();
        return this;
    }

    private Behavior<Command> onDeliver(ControlMessage message) {
        if (message instanceof ControlMessage.FileOffered offered) {
            fileIndex.put(offered.file().fileId(), offered.file());
        } else if (message instanceof ControlMessage.PresenterChanged changed) {
            presenter = changed.presenter();
            rebuildFanout();
        }
        members.tellAll(message);
        return this;
    }
}
