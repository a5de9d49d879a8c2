package chorus.relay.room;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.relay.access.AccessToken;
import chorus.relay.access.Grant;
import chorus.relay.config.RelayConfig;
import chorus.relay.files.FileStore;
import chorus.relay.media.MediaGateway;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The rooms of this node by name: creates a room on its first join and stops it once it is empty
 * and no join is on its way to it.
 */
public final class Rooms extends AbstractBehavior<Rooms.Command> {

    public sealed interface Command {
    }

    /** {@code access}: who joins (identity) and what its token grants. */
    public record Join(String room, ParticipantInfo info, ActorRef<Participant.Command> participant,
                       AccessToken access) implements Command {
    }

    /** The node is shutting down: every room tells its members here to {@code move}. */
    public record Drain(ControlMessage.Move move) implements Command {
    }

    /** A room was empty for its retention; its files here go. */
    /** Its own messages: from the topic on which the sharded rooms say a room expired. */
    private sealed interface Internal extends Command {
    }

    private record FilesExpired(String room) implements Internal {
    }

    /** A room has no members after having seen {@code joinsSeen} joins. */
    public record RoomIdle(String room, long joinsSeen) implements Command {
    }

    private static final class Entry {
        final ActorRef<Room.Command> ref;
        long joinsForwarded;

        Entry(ActorRef<Room.Command> ref) {
            this.ref = ref;
        }
    }

    private final MediaGateway gateway;
    private final RelayConfig config;
    private final FileStore files;
    /** The link of a room's part on this node to the sharded room, by room name. */
    private final Function<String, Room.Link> links;
    private final Map<String, Entry> rooms = new HashMap<>();
    private long roomsCreated;

    /**
     * @param links   the link of a room's part here to the sharded room, by room name
     * @param expired the topic on which the sharded rooms say a room expired (its files go)
     */
    public static Behavior<Command> create(MediaGateway gateway, RelayConfig config, FileStore files,
                                           Function<String, Room.Link> links,
                                           ActorRef<Topic.Command<RoomEntity.RoomExpired>> expired) {
        return Behaviors.setup(ctx -> {
            expired.tell(Topic.subscribe(ctx.messageAdapter(RoomEntity.RoomExpired.class, e -> new FilesExpired(e.room()))));
            return new Rooms(ctx, gateway, config, files, links);
        });
    }

    private Rooms(ActorContext<Command> ctx, MediaGateway gateway, RelayConfig config, FileStore files,
                  Function<String, Room.Link> links) {
        super(ctx);
        this.links = links;
        this.files = files;
        this.gateway = gateway;
        this.config = config;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Join.class, this::onJoin)
                .onMessage(RoomIdle.class, this::onRoomIdle)
                .onMessage(FilesExpired.class, this::onFilesExpired)
                .onMessage(Drain.class, this::onDrain)
                .build();
    }

    private Behavior<Command> onFilesExpired(FilesExpired expired) {
        files.deleteRoom(expired.room());
        getContext().getLog().info("room={} expired: its files here deleted", expired.room());
        return this;
    }

    private Behavior<Command> onDrain(Drain drain) {
        rooms.values().forEach(e -> e.ref.tell(new Room.Drain(drain.move())));
        return this;
    }

    private Behavior<Command> onJoin(Join join) {
        Entry entry = rooms.computeIfAbsent(join.room(), name -> new Entry(getContext().spawn(
                Room.create(name, getContext().getSelf(), gateway, config, links.apply(name)),
                "room-" + (++roomsCreated))));
        gateway.stats().rooms(rooms.size());
        entry.joinsForwarded++;
        entry.ref.tell(new Room.Join(join.info(), join.participant(), join.access().identity(),
                join.access().allows(Grant.SUBSCRIBE)));
        return this;
    }

    private Behavior<Command> onRoomIdle(RoomIdle idle) {
        Entry entry = rooms.get(idle.room());
        // A join forwarded after the room went idle is still in its mailbox: keep the room then.
        if (entry != null && entry.joinsForwarded == idle.joinsSeen()) {
            rooms.remove(idle.room());
            getContext().stop(entry.ref);
            gateway.stats().rooms(rooms.size());
        }
        return this;
    }
}
