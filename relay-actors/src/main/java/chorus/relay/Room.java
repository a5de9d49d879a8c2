package chorus.relay;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.media.MediaHeader;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A room (the session): its roster and joined/left notifications, its chat history (one order for
 * everyone), its presenter and its file index, and the fan-out of video (and of the presenter's
 * screen) to every other participant whose video address is known, which it publishes for the
 * {@link MediaGateway} to forward by. Audio goes to
 * the room's {@link Mixer}, a child. Rooms never see each other's members. An empty room is kept
 * for the configured retention (so people can come back to its history and files), then its files
 * are deleted and it asks to be stopped.
 */
public final class Room extends AbstractBehavior<Room.Command> {

    public sealed interface Command {
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

    public static Behavior<Command> create(String name, ActorRef<Rooms.Command> rooms, MediaGateway gateway,
                                           RelayConfig config, FileStore files) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new Room(ctx, timers, name, rooms, gateway, config, files)));
    }

    private Room(ActorContext<Command> ctx, TimerScheduler<Command> timers, String name,
                 ActorRef<Rooms.Command> rooms, MediaGateway gateway, RelayConfig config, FileStore files) {
        super(ctx);
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
                .build();
    }

    private Behavior<Command> onJoin(Join join) {
        joinsSeen++;
        timers.cancel(RetentionOver.INSTANCE);
        Member member = new Member(join.info(), join.participant());
        members.put(join.info().mediaId(), member);
        getContext().watchWith(join.participant(), new MemberStopped(join.info().mediaId()));
        rebuildFanout();
        mixer.tell(new Mixer.AddMember(join.info().mediaId()));
        List<ParticipantInfo> roster = new ArrayList<>();
        for (Member m : members.values()) {
            roster.add(m.info);
        }
        join.participant().tell(new Participant.Joined(getContext().getSelf(), mixer, List.copyOf(roster)));
        // What the room already holds, after the welcome: history, files, the presenter.
        for (ControlMessage.ChatMessage m : chatHistory) {
            notify(member, new ControlMessage.ChatMessage(m.id(), m.participantId(), m.from(), m.text(),
                    m.serverTime(), true));
        }
        for (FileInfo f : fileIndex.values()) {
            notify(member, new ControlMessage.FileOffered(f, true));
        }
        if (presenter != null) {
            notify(member, new ControlMessage.PresenterChanged(presenter.info));
        }
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
        fileIndex.put(added.file().fileId(), added.file());
        for (Member m : fanout) {
            notify(m, new ControlMessage.FileOffered(added.file(), false));
        }
        getContext().getLog().info("room={} file {} ({} bytes) from {}", name, added.file().name(),
                added.file().size(), added.file().uploaderName());
        return this;
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
        int presenterId = presenter == null ? MediaHeader.RELAY_MEDIA_ID : presenter.info.mediaId();
        gateway.publishRoom(members.keySet(), new MediaRoute.RoomFanout(ids, video, presenterId));
    }
}
