package chorus.relay.room;

import chorus.relay.room.RoomEntity.ChatEntry;
import chorus.relay.room.RoomEntity.Entry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;

/**
 * A room's replicated record in Distributed Data: one {@code LWWMap} per room holding an entry per
 * member ({@code m:}), chat message ({@code c:}, in id order) and file ({@code f:}), written with
 * majority writes so a new incarnation of the room on another node reads them back. The sharded
 * {@link RoomEntity} writes it; a node's {@link Room} reads its local replica when a member
 * resumes there before the sharded room answers.
 */
final class RoomReplica {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final ReplicatorMessageAdapter<RoomEntity.Command, LWWMap<String, Entry>> replicator;
    private final Key<LWWMap<String, Entry>> key;
    private final SelfUniqueAddress self;
    private final int chatKept;

    RoomReplica(ReplicatorMessageAdapter<RoomEntity.Command, LWWMap<String, Entry>> replicator, String room,
                SelfUniqueAddress self, int chatKept) {
        this.replicator = replicator;
        this.key = key(room);
        this.self = self;
        this.chatKept = chatKept;
    }

    /** Where a room's members, chat and files are replicated (every node holds a replica). */
    static Key<LWWMap<String, Entry>> key(String room) {
        return LWWMapKey.create("room-" + room);
    }

    static String memberKey(String participantId) {
        return "m:" + participantId;
    }

    static String fileKey(String fileId) {
        return "f:" + fileId;
    }

    private static String chatKey(long id) {
        return String.format("c:%016d", id);
    }

    /**
     * Reads the record, from a majority of nodes or from this node only; {@code failed} is told
     * whether a majority was asked.
     */
    void load(boolean majority, Function<Map<String, Entry>, RoomEntity.Command> loaded,
              Function<Boolean, RoomEntity.Command> failed) {
        replicator.askGet(replyTo -> new Replicator.Get<>(key, majority
                        ? new Replicator.ReadMajority(TIMEOUT) : Replicator.readLocal(), replyTo),
                rsp -> {
                    if (rsp instanceof Replicator.GetSuccess<LWWMap<String, Entry>> ok) {
                        return loaded.apply(new HashMap<>(ok.get(key).getEntries()));
                    }
                    if (rsp instanceof Replicator.NotFound) {
                        return loaded.apply(Map.of());
                    }
                    return failed.apply(majority);
                });
    }

    /** Writes (or replaces) one entry; {@code done} is told whether a majority has it. */
    void put(String entryKey, Entry entry, Function<Boolean, RoomEntity.Command> done) {
        update(map -> map.put(self, entryKey, entry), done);
    }

    void remove(String entryKey, Function<Boolean, RoomEntity.Command> done) {
        update(map -> map.remove(self, entryKey), done);
    }

    /** Writes a chat message and drops the oldest beyond the history kept. */
    void putChat(long id, ChatEntry entry, Function<Boolean, RoomEntity.Command> done) {
        update(map -> trimmed(map.put(self, chatKey(id), entry)), done);
    }

    /** Removes every entry: the room expired. */
    void clear(Function<Boolean, RoomEntity.Command> done) {
        update(map -> {
            LWWMap<String, Entry> result = map;
            for (String k : map.getEntries().keySet()) {
                result = result.remove(self, k);
            }
            return result;
        }, done);
    }

    private void update(UnaryOperator<LWWMap<String, Entry>> modify, Function<Boolean, RoomEntity.Command> done) {
        replicator.askUpdate(replyTo -> new Replicator.Update<>(key, LWWMap.create(),
                        new Replicator.WriteMajority(TIMEOUT), replyTo, modify::apply),
                rsp -> done.apply(rsp instanceof Replicator.UpdateSuccess));
    }

    private LWWMap<String, Entry> trimmed(LWWMap<String, Entry> map) {
        List<String> chatKeys = new ArrayList<>();
        for (String k : map.getEntries().keySet()) {
            if (k.startsWith("c:")) {
                chatKeys.add(k);
            }
        }
        chatKeys.sort(null);
        LWWMap<String, Entry> result = map;
        for (int i = 0; i < chatKeys.size() - chatKept; i++) {
            result = result.remove(self, chatKeys.get(i));
        }
        return result;
    }

    /**
     * This node's replica of a room's record, read by an actor that is not the room's entity; an
     * unreadable or missing record reads as empty.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static <T> void readLocal(ActorContext<T> ctx, String room, Function<Map<String, Entry>, T> read) {
        Key<LWWMap<String, Entry>> key = key(room);
        ctx.ask(Replicator.GetResponse.class, DistributedData.get(ctx.getSystem()).replicator(), TIMEOUT,
                replyTo -> new Replicator.Get(key, Replicator.readLocal(), (ActorRef) replyTo),
                (rsp, failure) -> rsp instanceof Replicator.GetSuccess ok
                        ? read.apply(Map.copyOf(((LWWMap<String, Entry>) ok.get(key)).getEntries()))
                        : read.apply(Map.of()));
    }
}
