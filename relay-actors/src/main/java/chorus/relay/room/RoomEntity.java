package chorus.relay.room;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ChatMessage;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.ErrorCode;
import chorus.relay.cluster.CborSerializable;
import chorus.relay.config.RelayConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * A room as the whole cluster sees it, one Cluster Sharding entity per room name: the roster
 * (each member with the node it is connected to), the presenter, the chat history and the file
 * index. Chat, files and roster are written to Distributed Data with majority writes, so a new
 * incarnation of the entity on another node (after its node was lost) reads them back. Each
 * node's {@link Room} is this room's part on that node: it tells the entity of joins, leaves,
 * chat, screen sharing and files, and the entity tells every node's part what changed.
 * A chat message goes out only once a majority of nodes hold it.
 */
public final class RoomEntity extends AbstractBehavior<RoomEntity.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Room");

    public sealed interface Command extends CborSerializable {
    }

    /** A node's part of a room: where that node takes media from its peers, and its Room actor. */
    public record Home(String node, String host, int videoPort, int audioPort, ActorRef<Room.Command> room)
            implements CborSerializable {
    }

    public record Member(ParticipantInfo info, Home home) implements CborSerializable {
    }

    /** A participant joined (or resumed) on {@code member.home()}; its node's part gets {@link Room.Admitted}. */
    public record Join(Member member) implements Command {
    }

    /** {@code mediaId} tells a leave of the member's current connection from a stale one's after a resume. */
    public record Leave(String participantId, int mediaId, String reason) implements Command {
    }

    /** Every second from each node's part: who is connected there (and that the part is alive). */
    public record Sync(Home home, List<ParticipantInfo> members) implements Command {
    }

    /**
     * A chat message, sent again by its node's part until {@link Room.ChatAccepted} comes back:
     * messages to a room whose node was just lost go nowhere until the room starts elsewhere.
     * {@code requestId} makes the repeats one message.
     */
    public record Chat(ParticipantInfo from, String text, String requestId, ActorRef<Room.Command> replyTo)
            implements Command {
    }

    public record ScreenShare(ParticipantInfo who, boolean start, ActorRef<Room.Command> replyTo) implements Command {
    }

    /** A file is in the room; sent again until {@link Room.FileAccepted} comes back, like chat. */
    public record FileAdded(FileInfo file, ActorRef<Room.Command> replyTo) implements Command {
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

    private record Loaded(Map<String, Entry> entries) implements Command {
    }

    private record LoadFailed(boolean majority) implements Command {
    }

    private record ChatStored(long id, boolean ok) implements Command {
    }

    private record Written(boolean ok) implements Command {
    }

    /** A chat message being stored, and the request to confirm once it is. */
    private record PendingChat(ChatMessage message, Chat request) {
    }

    private record FileStored(String fileId, ActorRef<Room.Command> replyTo, boolean ok) implements Command {
    }

    private record HomeGone(ActorRef<Room.Command> room) implements Command {
    }

    private record GraceOver(String participantId, ActorRef<Room.Command> room) implements Command {
    }

    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);
    /** The reason of a {@link Leave} from a draining node: the member keeps its place for the resume grace. */
    public static final String MOVED = "moved";

    /** Published cluster-wide when a room has been empty for the retention: every node deletes its files. */
    public record RoomExpired(String room) implements CborSerializable {
    }

    /** The topic {@link RoomExpired} goes out on; each node's {@link Rooms} subscribes. */
    public static Behavior<Topic.Command<RoomExpired>> expiredTopic() {
        return Topic.create(RoomExpired.class, "chorus-room-expired");
    }

    private record RetentionOver() implements Command {
    }

    /** @param expired this node's {@link #expiredTopic()} */
    public static void initSharding(ActorSystem<?> system, RelayConfig config, ActorRef<Topic.Command<RoomExpired>> expired) {
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), config, expired)));
    }

    public static Behavior<Command> create(String room, RelayConfig config, ActorRef<Topic.Command<RoomExpired>> expired) {
        return Behaviors.setup(ctx -> Behaviors.withStash(10_000, stash -> Behaviors.withTimers(timers ->
                DistributedData.withReplicatorMessageAdapter(
                        (ReplicatorMessageAdapter<Command, LWWMap<String, Entry>> replicator) -> {
                            org.apache.pekko.cluster.ddata.Key<LWWMap<String, Entry>> key = key(room);
                            load(replicator, key, true);
                            return loading(ctx, stash, timers, replicator, key, room, config, expired);
                        }))));
    }

    /** Where a room's members, chat and files are replicated (every node holds a replica). */
    static org.apache.pekko.cluster.ddata.Key<LWWMap<String, Entry>> key(String room) {
        return LWWMapKey.create("room-" + room);
    }

    private static void load(ReplicatorMessageAdapter<Command, LWWMap<String, Entry>> replicator,
                             org.apache.pekko.cluster.ddata.Key<LWWMap<String, Entry>> key, boolean majority) {
        replicator.askGet(replyTo -> new Replicator.Get<>(key, majority
                        ? new Replicator.ReadMajority(WRITE_TIMEOUT) : Replicator.readLocal(), replyTo),
                rsp -> {
                    if (rsp instanceof Replicator.GetSuccess<LWWMap<String, Entry>> ok) {
                        return new Loaded(new HashMap<>(ok.get(key).getEntries()));
                    }
                    if (rsp instanceof Replicator.NotFound) {
                        return new Loaded(Map.of());
                    }
                    return new LoadFailed(majority);
                });
    }

    private static Behavior<Command> loading(ActorContext<Command> ctx, StashBuffer<Command> stash,
                                             TimerScheduler<Command> timers,
                                             ReplicatorMessageAdapter<Command, LWWMap<String, Entry>> replicator,
                                             org.apache.pekko.cluster.ddata.Key<LWWMap<String, Entry>> key, String room,
                                             RelayConfig config, ActorRef<Topic.Command<RoomExpired>> expired) {
        return Behaviors.receive(Command.class)
                .onMessage(Loaded.class, loaded -> stash.unstashAll(
                        new RoomEntity(ctx, timers, replicator, key, room, config, expired, loaded.entries())))
                .onMessage(LoadFailed.class, failed -> {
                    // No majority reachable: start from what this node holds rather than not at all.
                    load(replicator, key, false);
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
    private final ReplicatorMessageAdapter<Command, LWWMap<String, Entry>> replicator;
    private final org.apache.pekko.cluster.ddata.Key<LWWMap<String, Entry>> key;
    private final SelfUniqueAddress self;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Set<ActorRef<Room.Command>> homes = new HashSet<>();
    /** The chat history by message id, each message with the request it answered. */
    private final TreeMap<Long, ChatEntry> history = new TreeMap<>();
    private final Map<String, FileInfo> files = new LinkedHashMap<>();
    /** Chat messages stored, waiting for the ones before them, by id. */
    private final TreeMap<Long, PendingChat> pendingChat = new TreeMap<>();
    /** The message id each request in the history became: a repeated request is the same message. */
    private final Map<String, Long> chatOfRequest = new HashMap<>();
    private final Set<Long> storedChat = new HashSet<>();
    private long nextChatId = 1;
    private ParticipantInfo presenter;
    private final ActorRef<Topic.Command<RoomExpired>> expired;

    private RoomEntity(ActorContext<Command> ctx, TimerScheduler<Command> timers,
                       ReplicatorMessageAdapter<Command, LWWMap<String, Entry>> replicator,
                       org.apache.pekko.cluster.ddata.Key<LWWMap<String, Entry>> key, String name, RelayConfig config,
                       ActorRef<Topic.Command<RoomExpired>> expired, Map<String, Entry> entries) {
        super(ctx);
        this.expired = expired;
        this.name = name;
        this.config = config;
        this.timers = timers;
        this.replicator = replicator;
        this.key = key;
        this.self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
        List<Member> restored = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e instanceof ChatEntry c) {
                history.put(c.message().id(), c);
                if (c.requestId() != null) {
                    chatOfRequest.put(c.requestId(), c.message().id());
                }
                nextChatId = Math.max(nextChatId, c.message().id() + 1);
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
        ctx.getLog().info("room={} entity started on this node", name);
        membersChanged(); // restored empty (its last members left while it moved): the retention runs
        if (!entries.isEmpty()) {
            ctx.getLog().info("room={} restored: {} members, {} chat messages, {} files", name, members.size(),
                    history.size(), files.size());
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Join.class, this::onJoin)
                .onMessage(Leave.class, l -> {
                    Member gone = members.get(l.participantId());
                    if (gone != null && gone.info().mediaId() == l.mediaId()) {
                        if (MOVED.equals(l.reason())) {
                            timers.startSingleTimer("grace-" + l.participantId(),
                                    new GraceOver(l.participantId(), gone.home().room()), config.resumeGrace());
                        } else {
                            removeMember(gone, l.reason());
                        }
                    }
                    return this;
                })
                .onMessage(Sync.class, this::onSync)
                .onMessage(Chat.class, this::onChat)
                .onMessage(ChatStored.class, this::onChatStored)
                .onMessage(ScreenShare.class, this::onScreenShare)
                .onMessage(FileAdded.class, this::onFileAdded)
                .onMessage(HomeGone.class, this::onHomeGone)
                .onMessage(GraceOver.class, g -> {
                    Member m = members.get(g.participantId());
                    if (m != null && m.home().room().equals(g.room())) {
                        removeMember(m, "node lost");
                    }
                    return this;
                })
                .onMessage(FileStored.class, stored -> {
                    if (!stored.ok()) {
                        getContext().getLog().warn("room={}: file {} reached no majority in time (kept locally)",
                                name, stored.fileId());
                    }
                    stored.replyTo().tell(new Room.FileAccepted(stored.fileId()));
                    return this;
                })
                .onMessage(RetentionOver.class, r -> onRetentionOver())
                .onMessage(Written.class, w -> {
                    if (!w.ok()) {
                        getContext().getLog().warn("room={}: a write reached no majority (kept locally)", name);
                    }
                    return this;
                })
                .build();
    }

    private Behavior<Command> onJoin(Join join) {
        Member member = join.member();
        addHome(member.home().room());
        Member was = members.remove(member.info().participantId());
        if (was != null) {
            // A resume: the member keeps its place; the nodes' parts see a changed member, not a join.
            timers.cancel("grace-" + member.info().participantId());
            getContext().getLog().info("room={} {} resumed on {} (media id {} -> {})", name, member.info().name(),
                    member.home().node(), was.info().mediaId(), member.info().mediaId());
        }
        members.put(member.info().participantId(), member);
        membersChanged();
        write(member.info().participantId(), new MemberEntry(member));
        member.home().room().tell(new Room.Admitted(member.info().participantId(), List.copyOf(members.values()),
                history.values().stream().map(ChatEntry::message).toList(), List.copyOf(files.values()), presenter));
        broadcast(new Room.MemberJoined(member));
        return this;
    }

    private Behavior<Command> onSync(Sync sync) {
        addHome(sync.home().room());
        Set<String> there = new HashSet<>();
        for (ParticipantInfo info : sync.members()) {
            there.add(info.participantId());
            Member known = members.get(info.participantId());
            if (known != null && known.info().mediaId() != info.mediaId() && homes.contains(known.home().room())) {
                continue; // a node that has not yet noticed its member resumed elsewhere
            }
            if (known == null || !known.home().room().equals(sync.home().room())) {
                Member m = new Member(info, sync.home());
                members.put(info.participantId(), m);
                membersChanged();
                write(info.participantId(), new MemberEntry(m));
                broadcast(new Room.MemberJoined(m));
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

    private void removeMember(Member gone, String reason) {
        members.remove(gone.info().participantId());
        membersChanged();
        delete(gone.info().participantId());
        broadcast(new Room.MemberLeft(gone.info(), reason));
        if (presenter != null && presenter.participantId().equals(gone.info().participantId())) {
            presenter = null;
            broadcast(new Room.Deliver(new ControlMessage.PresenterChanged(null)));
        }
    }

    /**
     * An empty room keeps its history and files for {@code chorus.relay.room.retention-after-empty}
     * (people may come back to them), as on a node on its own; anyone joining stops the clock.
     */
    private void membersChanged() {
        if (!members.isEmpty()) {
            timers.cancel(RetentionOver.class);
        } else if (!timers.isTimerActive(RetentionOver.class) && (!history.isEmpty() || !files.isEmpty())) {
            timers.startSingleTimer(RetentionOver.class, new RetentionOver(), config.roomRetention());
        }
    }

    /** Empty for the whole retention: every node deletes the room's files; its history and index go too. */
    private Behavior<Command> onRetentionOver() {
        if (!members.isEmpty()) {
            return this;
        }
        getContext().getLog().info("room={} empty for {}: its {} files deleted on every node, its {} chat messages dropped",
                name, config.roomRetention(), files.size(), history.size());
        if (!files.isEmpty()) {
            expired.tell(Topic.publish(new RoomExpired(name)));
        }
        replicator.askUpdate(replyTo -> new Replicator.Update<>(key, LWWMap.create(),
                        new Replicator.WriteMajority(WRITE_TIMEOUT), replyTo, map -> {
                            LWWMap<String, Entry> result = map;
                            for (String k : map.getEntries().keySet()) {
                                result = result.remove(self, k);
                            }
                            return result;
                        }),
                rsp -> new Written(rsp instanceof Replicator.UpdateSuccess));
        history.clear();
        chatOfRequest.clear();
        files.clear();
        presenter = null;
        return this;
    }

    private Behavior<Command> onChat(Chat chat) {
        Long known = chatOfRequest.get(chat.requestId());
        if (known != null) {
            if (!pendingChat.containsKey(known)) {
                chat.replyTo().tell(new Room.ChatAccepted(chat.requestId())); // the confirmation was lost
            }
            return this; // a repeat: the first is being stored
        }
        ChatMessage message = new ChatMessage(nextChatId++, chat.from().participantId(), chat.from().name(),
                chat.text(), System.currentTimeMillis(), false);
        long id = message.id();
        ChatEntry entry = new ChatEntry(message, chat.requestId());
        history.put(id, entry);
        pendingChat.put(id, new PendingChat(message, chat));
        chatOfRequest.put(chat.requestId(), id);
        replicator.askUpdate(replyTo -> new Replicator.Update<>(key, LWWMap.create(),
                        new Replicator.WriteMajority(WRITE_TIMEOUT), replyTo, map -> trimmed(map.put(self, chatKey(id), entry))),
                rsp -> new ChatStored(id, rsp instanceof Replicator.UpdateSuccess));
        while (history.size() > config.chatHistory()) {
            String request = history.pollFirstEntry().getValue().requestId();
            if (request != null) {
                chatOfRequest.remove(request);
            }
        }
        return this;
    }

    /** Drops the oldest chat entries beyond the history kept. */
    private LWWMap<String, Entry> trimmed(LWWMap<String, Entry> map) {
        List<String> chatKeys = new ArrayList<>();
        for (String k : map.getEntries().keySet()) {
            if (k.startsWith("c:")) {
                chatKeys.add(k);
            }
        }
        chatKeys.sort(null);
        LWWMap<String, Entry> result = map;
        for (int i = 0; i < chatKeys.size() - config.chatHistory(); i++) {
            result = result.remove(self, chatKeys.get(i));
        }
        return result;
    }

    private static String chatKey(long id) {
        return String.format("c:%016d", id);
    }

    /**
     * Sends chat messages out in id order, each once it is stored on a majority (or the write
     * timed out: then it is kept on fewer nodes and said so in the log, but not withheld).
     */
    private Behavior<Command> onChatStored(ChatStored stored) {
        if (!stored.ok()) {
            getContext().getLog().warn("room={}: chat message {} reached no majority in time", name, stored.id());
        }
        storedChat.add(stored.id());
        while (!pendingChat.isEmpty() && storedChat.remove(pendingChat.firstKey())) {
            PendingChat pending = pendingChat.pollFirstEntry().getValue();
            broadcast(new Room.Deliver(pending.message()));
            pending.request().replyTo().tell(new Room.ChatAccepted(pending.request().requestId()));
        }
        return this;
    }

    private Behavior<Command> onScreenShare(ScreenShare s) {
        String who = s.who().participantId();
        if (s.start()) {
            if (presenter != null && !presenter.participantId().equals(who)) {
                s.replyTo().tell(new Room.DeliverTo(s.who().mediaId(),
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
        broadcast(new Room.Deliver(new ControlMessage.PresenterChanged(presenter)));
        return this;
    }

    private Behavior<Command> onFileAdded(FileAdded added) {
        if (files.containsKey(added.file().fileId())) {
            added.replyTo().tell(new Room.FileAccepted(added.file().fileId())); // a repeat
            return this;
        }
        files.put(added.file().fileId(), added.file());
        replicator.askUpdate(replyTo -> new Replicator.Update<>(key, LWWMap.create(),
                        new Replicator.WriteMajority(WRITE_TIMEOUT), replyTo,
                        map -> map.put(self, "f:" + added.file().fileId(), new FileEntry(added.file()))),
                rsp -> new FileStored(added.file().fileId(), added.replyTo(), rsp instanceof Replicator.UpdateSuccess));
        broadcast(new Room.Deliver(new ControlMessage.FileOffered(added.file(), false)));
        return this;
    }

    /**
     * A node's part stopped (empty) or its node is gone. Its members, if any, get the resume
     * grace: if they come back through another node in time, nobody sees them leave.
     */
    private Behavior<Command> onHomeGone(HomeGone gone) {
        homes.remove(gone.room());
        for (Member m : members.values()) {
            if (m.home().room().equals(gone.room())) {
                timers.startSingleTimer("grace-" + m.info().participantId(),
                        new GraceOver(m.info().participantId(), gone.room()), config.resumeGrace());
            }
        }
        return this;
    }

    private void addHome(ActorRef<Room.Command> room) {
        if (homes.add(room)) {
            getContext().watchWith(room, new HomeGone(room));
        }
    }

    private void broadcast(Room.Command message) {
        for (ActorRef<Room.Command> home : homes) {
            home.tell(message);
        }
    }

    private void write(String participantId, Entry entry) {
        replicator.askUpdate(replyTo -> new Replicator.Update<>(key, LWWMap.create(),
                        new Replicator.WriteMajority(WRITE_TIMEOUT), replyTo,
                        map -> map.put(self, "m:" + participantId, entry)),
                rsp -> new Written(rsp instanceof Replicator.UpdateSuccess));
    }

    private void delete(String participantId) {
        replicator.askUpdate(replyTo -> new Replicator.Update<>(key, LWWMap.create(),
                        new Replicator.WriteMajority(WRITE_TIMEOUT), replyTo,
                        map -> map.remove(self, "m:" + participantId)),
                rsp -> new Written(rsp instanceof Replicator.UpdateSuccess));
    }
}
