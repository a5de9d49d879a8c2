package chorus.relay;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.media.Codec;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaAuthenticator;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Reassembler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One person in a room: identity, media key, and the UDP addresses learned for its video and
 * audio sockets. An address is learned only from a datagram whose tag verifies with this
 * participant's key; a verified datagram from a new address (NAT rebinding) moves it. Verified
 * video goes to the room for fan-out, verified audio is reassembled and goes to the mixer.
 */
public final class Participant extends AbstractBehavior<Participant.Command> {

    public sealed interface Command {
    }

    /** A datagram for this participant's media id, as received on {@code port}; not yet verified. */
    public record MediaIn(MediaPort port, byte[] datagram, InetSocketAddress from) implements Command {
    }

    /**
     * The snapshot media path saw a verified datagram from a new address that may be learned
     * (the first for its port, or the newest so far).
     */
    public record AddressSeen(MediaPort port, InetSocketAddress from) implements Command {
    }

    /** The room accepted the join. */
    public record Joined(ActorRef<Room.Command> room, ActorRef<Mixer.Command> mixer,
                         List<ParticipantInfo> roster) implements Command {
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

    private final ParticipantInfo info;
    private final MediaAuthenticator authenticator;
    private final ActorRef<Event> connection;
    private final MediaGateway gateway;
    private final MediaRoute route;
    private final FileAccess fileAccess;
    private final String fileToken;
    private final String roomName;
    private final Reassembler audioReassembler = Reassembler.forAudio();
    private final ByteBuffer ack = ByteBuffer.allocate(MediaHeader.MIN_DATAGRAM);
    private final InetSocketAddress[] learned = new InetSocketAddress[MediaPort.values().length];
    private final NewestSequences newestSequences = new NewestSequences();
    private ActorRef<Room.Command> room;
    private ActorRef<Mixer.Command> mixer;
    private long ackSequence;

    public static Behavior<Command> create(ParticipantInfo info, String roomName, byte[] key, String fileToken,
                                           ActorRef<Event> connection, ActorRef<Rooms.Command> rooms,
                                           MediaGateway gateway, FileAccess fileAccess) {
        return Behaviors.setup(ctx -> {
            MediaRoute route = gateway.register(info.mediaId(), key, ctx.getSelf());
            rooms.tell(new Rooms.Join(roomName, info, ctx.getSelf()));
            return new Participant(ctx, info, roomName, key, fileToken, connection, gateway, route, fileAccess);
        });
    }

    private Participant(ActorContext<Command> ctx, ParticipantInfo info, String roomName, byte[] key, String fileToken,
                        ActorRef<Event> connection, MediaGateway gateway, MediaRoute route, FileAccess fileAccess) {
        super(ctx);
        this.info = info;
        this.authenticator = new MediaAuthenticator(key);
        this.connection = connection;
        this.gateway = gateway;
        this.route = route;
        this.roomName = roomName;
        this.fileToken = fileToken;
        this.fileAccess = fileAccess;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(MediaIn.class, this::onMediaIn)
                .onMessage(AddressSeen.class, seen -> {
                    if (room != null) {
                        learn(seen.port(), seen.from(), true);
                    }
                    return this;
                })
                .onMessage(Joined.class, this::onJoined)
                .onMessage(Notify.class, this::onNotify)
                .onMessage(SendChat.class, chat -> {
                    if (room != null) {
                        room.tell(new Room.Chat(info.mediaId(), chat.text()));
                    }
                    return this;
                })
                .onMessage(ShareScreen.class, share -> {
                    if (room != null) {
                        room.tell(new Room.ScreenShare(info.mediaId(), share.start()));
                    }
                    return this;
                })
                .onMessage(Leave.class, this::onLeave)
                .onSignal(PostStop.class, s -> onPostStop())
                .build();
    }

    private Behavior<Command> onJoined(Joined joined) {
        room = joined.room();
        mixer = joined.mixer();
        route.mixer = mixer;
        fileAccess.grant(fileToken, new FileAccess.Grant(roomName, info, room));
        connection.tell(new Welcomed(joined.roster()));
        return this;
    }

    private Behavior<Command> onNotify(Notify n) {
        connection.tell(new Notified(n.message()));
        return this;
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

    private Behavior<Command> onMediaIn(MediaIn in) {
        ByteBuffer datagram = ByteBuffer.wrap(in.datagram());
        if (!authenticator.verify(datagram, 0, MediaHeader.signedLength(datagram, 0))) {
            gateway.stats().dropped(DropReason.BAD_TAG);
            return this;
        }
        if (room == null) {
            return this; // not in the room yet: the client cannot have the key, so this is stale
        }
        MediaKind kind = MediaHeader.kind(datagram, 0);
        gateway.stats().received(kind, in.datagram().length);
        boolean newest = newestSequences.advance(in.port(), kind, new MediaHeader().wrap(datagram, 0).sequence());
        learn(in.port(), in.from(), newest);
        switch (kind) {
            case HELLO -> {
                Fragmenter.encodeSignal(ack, MediaKind.HELLO, info.mediaId(), ackSequence++, authenticator);
                gateway.send(in.port(), ack, in.from(), MediaKind.HELLO);
            }
            case KEEPALIVE -> {
                // refreshing the learned address was all it was for
            }
            case VIDEO, SCREEN -> room.tell(new Room.ForwardVideo(info.mediaId(), in.datagram()));
            case AUDIO -> onAudio(datagram);
        }
        return this;
    }

    /**
     * A first address is learned from any verified datagram; a move needs the newest datagram
     * so far, so a replayed copy of an old one (captured and resent by someone else) cannot
     * steal the address, and a late one from before a NAT rebinding cannot move it back.
     */
    private void learn(MediaPort port, InetSocketAddress from, boolean newest) {
        InetSocketAddress current = learned[port.ordinal()];
        if (from.equals(current)) {
            return;
        }
        if (current != null && !newest) {
            gateway.stats().addressMoveRefused();
            return;
        }
        learned[port.ordinal()] = from;
        route.publishAddress(port, from);
        getContext().getLog().debug("{} {} address {} (was {})", info.name(), port, from, current);
        room.tell(new Room.AddressLearned(info.mediaId(), port, from));
    }

    private void onAudio(ByteBuffer datagram) {
        Reassembler.Frame frame = audioReassembler.offer(datagram, 0, System.nanoTime());
        if (frame == null) {
            return;
        }
        if (frame.codec() != Codec.PCM16 || frame.data().length != AudioFormat.FRAME_BYTES) {
            gateway.stats().dropped(DropReason.BAD_LENGTH);
            return;
        }
        mixer.tell(new Mixer.AudioFrame(info.mediaId(), frame.frameId(), AudioFormat.toSamples(frame.data())));
    }
}
