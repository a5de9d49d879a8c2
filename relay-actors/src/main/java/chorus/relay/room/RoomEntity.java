package chorus.relay.room;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ChatMessage;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.ErrorCode;
import chorus.relay.cluster.CborSerializable;
import chorus.relay.config.RelayConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * A room as the whole cluster sees it, one Cluster Sharding entity per room name, and the one place
 * the room's rules live: the roster (each member with the node it is connected to), the presenter
 * (one at a time), the chat history (one order for everyone) and the file index. A relay on its own
 * is a cluster of one and runs the same entity. Chat, files and roster are replicated
 * ({@link RoomReplica}), so a new incarnation on another node (after its node was lost) reads them
 * back. Each node's {@link Room} is this room's part on that node: it tells the entity what its
 * members do ({@link Command}) and follows what the entity announces ({@link Event}).
 * A chat message goes out only once a majority of nodes hold it.
 */
public final class RoomEntity extends AbstractBehavior<RoomEntity.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Room");

    /** What the nodes' parts of the room tell it. */
    public sealed interface Command extends CborSerializable {
    }

    /** What the room tells the nodes' parts (and what a part tells the others of a resume). */
    public sealed interface Event extends CborSerializable {
    }

    /** A node's part of a room: where that node takes media from its peers, and where the room's events go. */
    public record Home(String node, String host, int videoPort, int audioPort, ActorRef<Event> room)
            implements CborSerializable {
    }

    public record Member(ParticipantInfo info, Home home, String identity) implements CborSerializable {
    }

    /** A participant joined (or resumed) on {@code member.home()}; its node's part gets {@link Admitted}. */
    public record Join(Member member) implements Command {
    }

    /** {@code mediaId} tells a leave of the member's current connection from a stale one's after a resume. */
    public record Leave(String participantId, int mediaId, String reason) implements Command {
    }

    /** Every second from each node's part: who is connected there (and that the part is alive). */
    public record Sync(Home home, List<ParticipantInfo> members) implements Command {
    }

    /**
     * A chat message, sent again by its node's part until {@link ChatAccepted} comes back: messages
     * to a room whose node was just lost go nowhere until the room starts elsewhere.
     * {@code requestId} makes the repeats one message.
     */
    public record Chat(ParticipantInfo from, String text, String requestId, ActorRef<Event> replyTo)
            implements Command {
    }

    public record ScreenShare(ParticipantInfo who, boolean start, ActorRef<Event> replyTo) implements Command {
    }

    /** A file is in the room; sent again until {@link FileAccepted} comes back, like chat. */
    public record FileAdded(FileInfo file, ActorRef<Event> replyTo) implements Command {
    }

    /**
     * A member of the part's node is in; what the room holds, for its welcome. Else {@link Refused}
     * (full). {@code roster} is the whole roster only in the first to a part (a new part, or a part
     * of a room that started again elsewhere); after that it is empty, as the part's copy follows
     * {@link MemberJoined} and {@link MemberLeft}, which this entity sends it before the Admitted.
     * A join then costs the cluster no O(N) message.
     */
    public record Admitted(String participantId, List<Member> roster, List<ChatMessage> history,
                           List<FileInfo> files, ParticipantInfo presenter) implements Event {
    }

    public record Refused(String participantId, ErrorCode code, String message) implements Event {
    }

    /** Someone joined (or resumed, or was already there) on some node. */
    public record MemberJoined(Member member) implements Event {
    }

    /**
     * A node's part to another's, part to part (the sharded room is not involved): of the senders
     * connected to the receiving node, which layers ({@code chorus.relay.media.LayerMask}) members of
     * {@code node} subscribe to, by media id; one left out is wanted by nobody there. Sent on every
     * change, so a node forwards another only what its members show, once per node.
     */
    public record NodeWants(String node, Map<Integer, Integer> masks) implements Event {
    }

    public record MemberLeft(ParticipantInfo info, String reason) implements Event {
    }

    /** A message for every member of the part (chat, file, presenter). */
    public record Deliver(ControlMessage message) implements Event {
    }

    public record DeliverTo(int mediaId, ControlMessage message) implements Event {
    }

    /** The chat message of the part's request is stored and sent out. */
    public record ChatAccepted(String requestId) implements Event {
    }

    /** The file is in the room's index. */
    public record FileAccepted(String fileId) implements Event {
    }

    /** Values replicated per room: one map entry per member, chat message and file. */
    public sealed interface Entry extends CborSerializable {
    }

    public record MemberEntry(Member member) implements Entry {
    }

    /** {@code requestId}: so a repeat of the message sent to a new incarnation of the room is known. */
    public record ChatEntry(ChatMessage message, String requestId) implements Entry {
    }

    public record FileEntry(FileInfo file) implements Entry {
    }

    /** Published cluster-wide when a room has been empty for the retention: every node deletes its files. */
    public record RoomExpired(String room) implements CborSerializable {
    }

    /** The entity's own messages: replies of the replicator, timers, watched parts. */
    private sealed interface Internal extends Command {
    }

    private record Loaded(Map<String, Entry> entries) implements Internal {
    }

    private record LoadFailed(boolean majority) implements Internal {
    }

    private record ChatStored(long id, boolean ok) implements Internal {
    }

    private record Written(boolean ok) implements Internal {
    }

    private record FileStored(String fileId, ActorRef<Event> replyTo, boolean ok) implements Internal {
    }

    private record HomeGone(ActorRef<Event> room) implements Internal {
    }

    private record GraceOver(String participantId, ActorRef<Event> room) implements Internal {
    }

    private enum RetentionOver implements Internal {
        INSTANCE
    }

    /** The reason of a {@link Leave} from a draining node: the member keeps its place for the resume grace. */
    public static final String MOVED = "moved";

    /** The topic {@link RoomExpired} goes out on; each node's {@link Rooms} subscribes. */
    public static Behavior<Topic.Command<RoomExpired>> expiredTopic() {
        return Topic.create(RoomExpired.class, "chorus-room-expired");
    }

    /** @param expired this node's {@link #expiredTopic()} */
    public static void initSharding(ActorSystem<?> system, RelayConfig config, ActorRef<Topic.Command<RoomExpired>> expired) {
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), config, expired)));
    }

    /** The room's log lines carry its name ({@code room} in the MDC). */
    public static Behavior<Command> create(String room, RelayConfig config, ActorRef<Topic.Command<RoomExpired>> expired) {
        return Behaviors.withMdc(Command.class, Map.of("room", room),
                Behaviors.setup(ctx -> Behaviors.withStash(10_000, stash -> Behaviors.withTimers(timers ->
                        DistributedData.withReplicatorMessageAdapter(
                                (ReplicatorMessageAdapter<Command, LWWMap<String, Entry>> replicator) -> {
                                    RoomReplica replica = new RoomReplica(replicator, room,
                                            DistributedData.get(ctx.getSystem()).selfUniqueAddress(),
                                            config.chat().history());
                                    replica.load(true, Loaded::new, LoadFailed::new);
                                    return loading(ctx, stash, timers, replica, room, config, expired);
                                })))));
    }

    /** Until the replicated record is read: everything else waits in the stash. */
    private static Behavior<Command> loading(ActorContext<Command> ctx, StashBuffer<Command> stash,
                                             TimerScheduler<Command> timers, RoomReplica replica, String room,
                                             RelayConfig config, ActorRef<Topic.Command<RoomExpired>> expired) {
        return Behaviors.receive(Command.class)
                .onMessage(Loaded.class, loaded -> stash.unstashAll(
                        new RoomEntity(ctx, timers, replica, room, config, expired, loaded.entries())))
                .onMessage(LoadFailed.class, failed -> {
                    // No majority reachable: start from what this node holds rather than not at all.
                    replica.load(false, Loaded::new, LoadFailed::new);
                    return Behaviors.same();
                })
                .onAnyMessage(m -> {
                    stash.stash(m);
                    return Behaviors.same();
                })
                .build();
    }

    private final String name;
    private final RelayConfig config;
    private final TimerScheduler<Command> timers;
    private final RoomReplica replica;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Set<ActorRef<Event>> homes = new HashSet<>();
    /** The parts that have had the whole roster in an {@link Admitted}. */
    private final Set<ActorRef<Event>> rosterSent = new HashSet<>();
    private final ChatHistory history;
    private final Map<String, FileInfo> files = new LinkedHashMap<>();
    private ParticipantInfo presenter;
    private final ActorRef<Topic.Command<RoomExpired>> expired;
    private final SameIdentity sameIdentity = new SameIdentity();

    private RoomEntity(ActorContext<Command> ctx, TimerScheduler<Command> timers, RoomReplica replica, String name,
                       RelayConfig config, ActorRef<Topic.Command<RoomExpired>> expired, Map<String, Entry> entries) {
        super(ctx);
        this.expired = expired;
        this.name = name;
        this.config = config;
        this.timers = timers;
        this.replica = replica;
        this.history = new ChatHistory(config.chat().history());
        List<Member> restored = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e instanceof ChatEntry c) {
                history.restore(c);
            } else if (e instanceof FileEntry f) {
                files.put(f.file().fileId(), f.file());
            } else if (e instanceof MemberEntry m) {
                restored.add(m.member());
            }
        }
        restored.sort(Comparator.comparingInt(m -> m.info().mediaId()));
        for (Member m : restored) {
            members.put(m.info().participantId(), m);
            addHome(m.home().room());
        }
        ctx.getLog().info("entity started on this node");
        membersChanged(); // restored empty (its last members left while it moved): the retention runs
        if (!entries.isEmpty()) {
            ctx.getLog().info("restored: {} members, {} chat messages, {} files", members.size(),
                    history.size(), files.size());
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Join.class, this::onJoin)
                .onMessage(Leave.class, this::onLeave)
                .onMessage(Sync.class, this::onSync)
                .onMessage(Chat.class, this::onChat)
                .onMessage(ChatStored.class, this::onChatStored)
                .onMessage(ScreenShare.class, this::onScreenShare)
                .onMessage(FileAdded.class, this::onFileAdded)
                .onMessage(FileStored.class, this::onFileStored)
                .onMessage(HomeGone.class, this::onHomeGone)
                .onMessage(GraceOver.class, this::onGraceOver)
                .onMessageEquals(RetentionOver.INSTANCE, this::onRetentionOver)
                .onMessage(Written.class, this::onWritten)
                .build();
    }

    private Behavior<Command> onJoin(Join join) {
        Member member = join.member();
        addHome(member.home().room());
        Member was = members.remove(member.info().participantId());
        if (was == null && members.size() >= config.limits().roomSize()) {
            String full = "room '" + name + "' is full: " + members.size() + " participants, the most allowed";
            member.home().room().tell(new Refused(member.info().participantId(), ErrorCode.ROOM_FULL, full));
            return this;
        }
        if (was != null) {
            // A resume: the member keeps its place; the nodes' parts see a changed member, not a join.
            timers.cancel(graceKey(member.info().participantId()));
            getContext().getLog().info("{} resumed on {} (media id {} -> {})", member.info().name(),
                    member.home().node(), was.info().mediaId(), member.info().mediaId());
        }
        sameIdentity.replacedBy(member, List.copyOf(members.values())).forEach(m -> removeMember(m, SameIdentity.REPLACED));
        members.put(member.info().participantId(), member);
        membersChanged();
        replica.put(RoomReplica.memberKey(member.info().participantId()), new MemberEntry(member), Written::new);
        List<Member> roster = rosterSent.add(member.home().room()) ? List.copyOf(members.values()) : List.of();
        member.home().room().tell(new Admitted(member.info().participantId(), roster,
                history.messages(), List.copyOf(files.values()), presenter));
        broadcast(new MemberJoined(member));
        return this;
    }

    private Behavior<Command> onLeave(Leave leave) {
        Member gone = members.get(leave.participantId());
        if (gone != null && gone.info().mediaId() == leave.mediaId()) {
            if (MOVED.equals(leave.reason())) {
                timers.startSingleTimer(graceKey(leave.participantId()),
                        new GraceOver(leave.participantId(), gone.home().room()), config.cluster().resumeGrace());
            } else {
                removeMember(gone, leave.reason());
            }
        }
        return this;
    }

    private Behavior<Command> onSync(Sync sync) {
        addHome(sync.home().room());
        Set<String> there = new HashSet<>();
        for (ParticipantInfo info : sameIdentity.notReplaced(sync.members())) {
            there.add(info.participantId());
            Member known = members.get(info.participantId());
            if (known == null ? members.size() >= config.limits().roomSize()
                    : known.info().mediaId() != info.mediaId() && homes.contains(known.home().room())) {
                continue; // full (a join refused, listed before its part heard), or resumed elsewhere
            }
            if (known == null || !known.home().room().equals(sync.home().room())) {
                Member m = new Member(info, sync.home(), known == null ? null : known.identity());
                members.put(info.participantId(), m);
                membersChanged();
                replica.put(RoomReplica.memberKey(info.participantId()), new MemberEntry(m), Written::new);
                broadcast(new MemberJoined(m));
            }
        }
        for (Member m : List.copyOf(members.values())) {
            if (m.home().room().equals(sync.home().room()) && !there.contains(m.info().participantId())) {
                // (a member that resumed elsewhere has another home now, so it is not removed here)
                removeMember(m, "disconnected");
            }
        }
        return this;
    }

    private Behavior<Command> onGraceOver(GraceOver grace) {
        Member m = members.get(grace.participantId());
        if (m != null && m.home().room().equals(grace.room())) {
            removeMember(m, "node lost");
        }
        return this;
    }

    private void removeMember(Member gone, String reason) {
        members.remove(gone.info().participantId());
        membersChanged();
        replica.remove(RoomReplica.memberKey(gone.info().participantId()), Written::new);
        broadcast(new MemberLeft(gone.info(), reason));
        if (presenter != null && presenter.participantId().equals(gone.info().participantId())) {
            presenter = null;
            broadcast(new Deliver(new ControlMessage.PresenterChanged(null)));
        }
    }

    /**
     * An empty room keeps its history and files for {@code chorus.relay.room.retention-after-empty}
     * (people may come back to them); anyone joining stops the clock.
     */
    private void membersChanged() {
        if (!members.isEmpty()) {
            timers.cancel(RetentionOver.INSTANCE);
        } else if (!timers.isTimerActive(RetentionOver.INSTANCE) && (!history.isEmpty() || !files.isEmpty())) {
            timers.startSingleTimer(RetentionOver.INSTANCE, config.room().retention());
        }
    }

    /** Empty for the whole retention: every node deletes the room's files; its history and index go too. */
    private Behavior<Command> onRetentionOver() {
        if (!members.isEmpty()) {
            return this;
        }
        getContext().getLog().info("empty for {}: its {} files deleted on every node, its {} chat messages dropped",
                config.room().retention(), files.size(), history.size());
        if (!files.isEmpty()) {
            expired.tell(Topic.publish(new RoomExpired(name)));
        }
        replica.clear(Written::new);
        history.clear();
        files.clear();
        presenter = null;
        return this;
    }

    private Behavior<Command> onChat(Chat chat) {
        if (history.isRepeat(chat.requestId())) {
            if (history.isReleased(chat.requestId())) {
                chat.replyTo().tell(new ChatAccepted(chat.requestId())); // the confirmation was lost
            }
            return this; // else the first is being stored
        }
        ChatEntry entry = history.add(chat, chat.from(), System.currentTimeMillis());
        long id = entry.message().id();
        replica.putChat(id, entry, ok -> new ChatStored(id, ok));
        return this;
    }

    /**
     * Sends chat messages out in id order, each once it is stored on a majority (or the write
     * timed out: then it is kept on fewer nodes and said so in the log, but not withheld).
     */
    private Behavior<Command> onChatStored(ChatStored stored) {
        if (!stored.ok()) {
            getContext().getLog().warn("chat message {} reached no majority in time", stored.id());
        }
        for (ChatHistory.Released released : history.stored(stored.id())) {
            broadcast(new Deliver(released.message()));
            released.request().replyTo().tell(new ChatAccepted(released.request().requestId()));
        }
        return this;
    }

    private Behavior<Command> onScreenShare(ScreenShare s) {
        String who = s.who().participantId();
        if (s.start()) {
            if (presenter != null && !presenter.participantId().equals(who)) {
                s.replyTo().tell(new DeliverTo(s.who().mediaId(),
                        ControlMessage.Error.of(ErrorCode.PRESENTER_BUSY, presenter.name() + " is presenting")));
                return this;
            }
            if (presenter != null) {
                return this;
            }
            presenter = s.who();
        } else {
            if (presenter == null || !presenter.participantId().equals(who)) {
                return this;
            }
            presenter = null;
        }
        broadcast(new Deliver(new ControlMessage.PresenterChanged(presenter)));
        getContext().getLog().info("presenter {}", presenter == null ? "none" : presenter.name());
        return this;
    }

    private Behavior<Command> onFileAdded(FileAdded added) {
        FileInfo file = added.file();
        if (files.containsKey(file.fileId())) {
            added.replyTo().tell(new FileAccepted(file.fileId())); // a repeat
            return this;
        }
        files.put(file.fileId(), file);
        replica.put(RoomReplica.fileKey(file.fileId()), new FileEntry(file),
                ok -> new FileStored(file.fileId(), added.replyTo(), ok));
        broadcast(new Deliver(new ControlMessage.FileOffered(file, false)));
        getContext().getLog().info("file {} ({} bytes) from {}", file.name(), file.size(), file.uploaderName());
        return this;
    }

    private Behavior<Command> onFileStored(FileStored stored) {
        if (!stored.ok()) {
            getContext().getLog().warn("file {} reached no majority in time (kept locally)", stored.fileId());
        }
        stored.replyTo().tell(new FileAccepted(stored.fileId()));
        return this;
    }

    private Behavior<Command> onWritten(Written written) {
        if (!written.ok()) {
            getContext().getLog().warn("a write reached no majority (kept locally)");
        }
        return this;
    }

    /**
     * A node's part stopped (empty) or its node is gone. Its members, if any, get the resume
     * grace: if they come back through another node in time, nobody sees them leave.
     */
    private Behavior<Command> onHomeGone(HomeGone gone) {
        homes.remove(gone.room());
        rosterSent.remove(gone.room());
        for (Member m : members.values()) {
            if (m.home().room().equals(gone.room())) {
                timers.startSingleTimer(graceKey(m.info().participantId()),
                        new GraceOver(m.info().participantId(), gone.room()), config.cluster().resumeGrace());
            }
        }
        return this;
    }

    private static String graceKey(String participantId) {
        return "grace-" + participantId;
    }

    private void addHome(ActorRef<Event> room) {
        if (homes.add(room)) {
            getContext().watchWith(room, new HomeGone(room));
        }
    }

    private void broadcast(Event event) {
        for (ActorRef<Event> home : homes) {
            home.tell(event);
        }
    }
}
