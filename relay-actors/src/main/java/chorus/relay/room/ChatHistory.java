package chorus.relay.room;

import chorus.protocol.control.ControlMessage.ChatMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.relay.room.RoomEntity.ChatEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A room's chat in one order for everyone: ids in the order messages reached the room, the last
 * {@code kept} messages as its history, and each message released (sent out) only once it and
 * every message before it are stored. A message sent again under the same request id (its part
 * did not hear it was accepted) is the same message.
 */
final class ChatHistory {
    /** A message stored and sent out, and the request it answered. */
    record Released(ChatMessage message, RoomEntity.Chat request) {
    }

    private final int kept;
    /** The history by message id, each message with the request it answered. */
    private final TreeMap<Long, ChatEntry> history = new TreeMap<>();
    /** Messages being stored, waiting for the ones before them, by id. */
    private final TreeMap<Long, Released> pending = new TreeMap<>();
    /** The message id each request in the history became. */
    private final Map<String, Long> byRequest = new HashMap<>();
    private final Set<Long> stored = new HashSet<>();
    private long nextId = 1;

    ChatHistory(int kept) {
        this.kept = kept;
    }

    /** A message read back from the room's replicated record. */
    void restore(ChatEntry entry) {
        history.put(entry.message().id(), entry);
        if (entry.requestId() != null) {
            byRequest.put(entry.requestId(), entry.message().id());
        }
        nextId = Math.max(nextId, entry.message().id() + 1);
    }

    /** True if this request is a message already (being stored, or in the history). */
    boolean isRepeat(String requestId) {
        return byRequest.containsKey(requestId);
    }

    /** True if this repeated request's message went out already (its confirmation was lost). */
    boolean isReleased(String requestId) {
        Long id = byRequest.get(requestId);
        return id != null && !pending.containsKey(id);
    }

    /** A new message: in the history at once, released once stored. */
    ChatEntry add(RoomEntity.Chat chat, ParticipantInfo from, long serverTime) {
        ChatMessage message = new ChatMessage(nextId++, from.participantId(), from.name(), chat.text(), serverTime,
                false);
        ChatEntry entry = new ChatEntry(message, chat.requestId());
        history.put(message.id(), entry);
        pending.put(message.id(), new Released(message, chat));
        byRequest.put(chat.requestId(), message.id());
        while (history.size() > kept) {
            String request = history.pollFirstEntry().getValue().requestId();
            if (request != null) {
                byRequest.remove(request);
            }
        }
        return entry;
    }

    /** Message {@code id} is stored: what may go out now, in id order. */
    List<Released> stored(long id) {
        stored.add(id);
        List<Released> released = new ArrayList<>();
        while (!pending.isEmpty() && stored.remove(pending.firstKey())) {
            released.add(pending.pollFirstEntry().getValue());
        }
        return released;
    }

    List<ChatMessage> messages() {
        return history.values().stream().map(ChatEntry::message).toList();
    }

    int size() {
        return history.size();
    }

    boolean isEmpty() {
        return history.isEmpty();
    }

    void clear() {
        history.clear();
        byRequest.clear();
    }
}
