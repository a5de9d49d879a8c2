package chorus.relay.room;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.media.Codec;
import chorus.relay.access.AccessToken;
import chorus.relay.access.Grant;
import chorus.relay.files.FileAccess;
import chorus.relay.media.MediaGateway;
import chorus.relay.media.MediaPort;
import chorus.relay.media.MediaRoute;
import chorus.relay.mixer.Mixer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One person in a room: identity, media key, and the UDP addresses learned for its video and
 * audio sockets, which it owns and publishes to the {@link MediaGateway} (through its
 * {@link MediaRoute}) and to its room. The gateway decrypts each datagram with this
 * participant's key, drops replays, and reports a new address (the first for its port, or a NAT
 * rebinding) only once it has answered the relay's challenge from there. Control messages for
 * the client go through here to its connection, among them that its media is over the rate limit.
 */
public final class Participant extends AbstractBehavior<Participant.Command> {

    public sealed interface Command {
    }

    /** A new address of the participant's socket answered the gateway's challenge: it may be learned. */
    public record AddressSeen(MediaPort port, InetSocketAddress from) implements Command {
    }

    /** The gateway dropped this participant's media on {@code port}: over its rate limit. */
    public record RateLimited(MediaPort port) implements Command {
    }

    /** The room accepted the join. */
    public record Joined(ActorRef<Room.Command> room, ActorRef<Mixer.Command> mixer,
                         List<ParticipantInfo> roster) implements Command {
    }

    /** The room refused the join (it is full); the connection tells the client and closes. */
    public record Refuse(ErrorCode code, String message) implements Command {
    }

    /** A control message for this participant's client (someone joined or left, ...). */
    public record Notify(ControlMessage message) implements Command {
    }

    /** A chat message from this participant's client (length already checked). */
    public record SendChat(String text) implements Command {
    }

    /** This participant's client asks to start or stop presenting. */
    public record ShareScreen(boolean start) implements Command {
    }

    /** What this participant's client shows, for its room to check and forward by (rate already limited). */
    public record Subscribe(ControlMessage.Subscribe subscription) implements Command {
    }

    /**
     * The room took this participant out: its identity joined again (another connection). Its
     * connection says so to the client and closes.
     */
    public enum Replace implements Command {
        INSTANCE
    }

    /** Leave the room and stop; {@code reason} is told to the others. */
    public record Leave(String reason) implements Command {
    }

    /** What the participant tells its control connection. */
    public sealed interface Event {
    }

    public record Welcomed(List<ParticipantInfo> roster) implements Event {
    }

    public record Notified(ControlMessage message) implements Event {
    }

    /** The same identity joined the room again: tell the client {@code replaced} and close. */
    public enum Replaced implements Event {
        INSTANCE
    }

    public record Refused(ErrorCode code, String message) implements Event {
    }

    private final ParticipantInfo info;
    private final String roomName;
    private final ActorRef<Event> connection;
    private final MediaGateway gateway;
    private final MediaRoute route;
    private final FileAccess fileAccess;
    private final String fileToken;
    private final AccessToken access;
    private final InetSocketAddress[] learned = new InetSocketAddress[MediaPort.values().length];
    private ActorRef<Room.Command> room;
    private long rateLimitToldNanos = System.nanoTime() - 2_000_000_000L;

    /** With every grant and no identity (the open mode without a token). */
    public static Behavior<Command> create(ParticipantInfo info, String roomName, byte[] key, String fileToken,
                                           ActorRef<Event> connection, ActorRef<Rooms.Command> rooms,
                                           MediaGateway gateway, FileAccess fileAccess) {
        return create(info, roomName, key, fileToken, connection, rooms, gateway, fileAccess,
                AccessToken.open(roomName, info.name()));
    }

    /** With the PCM mix. */
    public static Behavior<Command> create(ParticipantInfo info, String roomName, byte[] key, String fileToken,
                                           ActorRef<Event> connection, ActorRef<Rooms.Command> rooms,
                                           MediaGateway gateway, FileAccess fileAccess, AccessToken access) {
        return create(info, roomName, key, fileToken, connection, rooms, gateway, fileAccess, access, Codec.PCM16);
    }

    /**
     * @param access   who joined (identity) and what its token grants
     * @param mixCodec the codec of the mix it takes (negotiated at hello)
     */
    public static Behavior<Command> create(ParticipantInfo info, String roomName, byte[] key, String fileToken,
                                           ActorRef<Event> connection, ActorRef<Rooms.Command> rooms,
                                           MediaGateway gateway, FileAccess fileAccess, AccessToken access,
                                           int mixCodec) {
        // Its log lines carry the room and who it is (room and participant in the MDC).
        return Behaviors.withMdc(Command.class, Map.of("room", roomName, "participant", info.name()),
                Behaviors.setup(ctx -> {
                    MediaRoute route = gateway.register(info.mediaId(), key, ctx.getSelf());
                    // Before the welcome (and so before the client has the key to send anything).
                    route.mayPublish(access.allows(Grant.PUBLISH_AUDIO), access.allows(Grant.PUBLISH_VIDEO));
                    route.mixCodec(mixCodec);
                    rooms.tell(new Rooms.Join(roomName, info, ctx.getSelf(), access));
                    return new Participant(ctx, info, roomName, fileToken, connection, gateway, route, fileAccess,
                            access);
                }));
    }

    private Participant(ActorContext<Command> ctx, ParticipantInfo info, String roomName, String fileToken,
                        ActorRef<Event> connection, MediaGateway gateway, MediaRoute route, FileAccess fileAccess,
                        AccessToken access) {
        super(ctx);
        this.access = access;
        this.info = info;
        this.roomName = roomName;
        this.fileToken = fileToken;
        this.connection = connection;
        this.gateway = gateway;
        this.route = route;
        this.fileAccess = fileAccess;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(AddressSeen.class, this::onAddressSeen)
                .onMessage(RateLimited.class, this::onRateLimited)
                .onMessage(Joined.class, this::onJoined)
                .onMessage(Notify.class, this::onNotify)
                .onMessage(Refuse.class, r -> {
                    connection.tell(new Refused(r.code(), r.message()));
                    return this;
                })
                .onMessage(SendChat.class, this::onSendChat)
                .onMessage(ShareScreen.class, this::onShareScreen)
                .onMessage(Subscribe.class, this::onSubscribe)
                .onMessage(Leave.class, this::onLeave)
                .onMessageEquals(Replace.INSTANCE, () -> {
                    room = null; // the room has let it go already; its leave is not the room's news
                    gateway.stats().participantReplaced();
                    connection.tell(Replaced.INSTANCE);
                    return this;
                })
                .onSignal(PostStop.class, s -> onPostStop())
                .build();
    }

    private Behavior<Command> onNotify(Notify notify) {
        connection.tell(new Notified(notify.message()));
        return this;
    }

    private Behavior<Command> onSendChat(SendChat chat) {
        if (room != null) {
            room.tell(new Room.Chat(info.mediaId(), chat.text()));
        }
        return this;
    }

    private Behavior<Command> onSubscribe(Subscribe subscribe) {
        if (room != null) {
            room.tell(new Room.Subscribe(info.mediaId(), subscribe.subscription()));
        } else {
            connection.tell(new Notified(ControlMessage.Error.of(ErrorCode.NOT_JOINED,
                    "the room has not welcomed you yet; subscribe after the welcome")));
        }
        return this;
    }

    private Behavior<Command> onShareScreen(ShareScreen share) {
        if (room != null) {
            room.tell(new Room.ScreenShare(info.mediaId(), share.start()));
        }
        return this;
    }

    private Behavior<Command> onJoined(Joined joined) {
        room = joined.room();
        route.mixer(joined.mixer());
        fileAccess.grant(fileToken, new FileAccess.Grant(roomName, info, room, access.allows(Grant.SHARE_FILES)));
        connection.tell(new Welcomed(joined.roster()));
        return this;
    }

    private Behavior<Command> onAddressSeen(AddressSeen seen) {
        if (room == null || seen.from().equals(learned[seen.port().ordinal()])) {
            return this;
        }
        InetSocketAddress previous = learned[seen.port().ordinal()];
        learned[seen.port().ordinal()] = seen.from();
        route.publishAddress(seen.port(), seen.from());
        getContext().getLog().debug("{} {} address {} (was {})", info.name(), seen.port(), seen.from(), previous);
        room.tell(new Room.AddressLearned(info.mediaId(), seen.port(), seen.from()));
        return this;
    }

    /** Tells the client at most once a second (both ports together); the connection stays open. */
    private Behavior<Command> onRateLimited(RateLimited limited) {
        long now = System.nanoTime();
        if (now - rateLimitToldNanos >= 1_000_000_000L) {
            rateLimitToldNanos = now;
            gateway.stats().rateLimitNotice();
            connection.tell(new Notified(ControlMessage.Error.of(ErrorCode.RATE_LIMITED, "media on the "
                    + portName(limited.port()) + " port is over this relay's limit; the excess is dropped")));
        }
        return this;
    }

    private static String portName(MediaPort port) {
        return port == MediaPort.VIDEO ? "video" : "audio";
    }

    private Behavior<Command> onLeave(Leave leave) {
        if (room != null) {
            room.tell(new Room.Leave(info.mediaId(), leave.reason()));
        }
        return Behaviors.stopped();
    }

    private Behavior<Command> onPostStop() {
        gateway.unregister(route);
        fileAccess.revoke(fileToken);
        return this;
    }
}
