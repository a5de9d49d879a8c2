package chorus.client.call;

import chorus.client.session.ChorusClient;
import chorus.client.session.RoomState;
import chorus.protocol.control.ControlMessage.ChatMessage;
import chorus.protocol.control.ErrorCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A call's chat as its snapshot shows it: the room state's messages as lines (this participant's
 * own marked, over all its connections), the unread count, and why the last message was not sent.
 */
final class CallChat {
    private final RoomState room;
    private final Runnable changed;
    /** Written on the connector thread and the connection's threads, read by the snapshot. */
    private volatile String problem;

    CallChat(RoomState room, Runnable changed) {
        this.room = room;
        this.changed = changed;
    }

    /** On the connector thread; {@code client} is the current connection, or null between connections. */
    void send(ChorusClient client, String text) {
        if (client == null) {
            problem = "Not connected: the message was not sent.";
            changed.run();
            return;
        }
        // Cleared before sending: the relay's refusal may arrive before sendChat returns.
        problem = null;
        try {
            client.sendChat(text);
        } catch (IOException e) {
            problem = "The message was not sent (" + e.getMessage() + ").";
        }
        changed.run();
    }

    /** The relay refused something; a message over its limit is this chat's problem. */
    void relayError(String code, String message) {
        if (ErrorCode.MESSAGE_TOO_LONG.wire().equals(code)) {
            problem = "Your message was not sent: " + message;
            changed.run();
        }
    }

    void markRead() {
        if (room.markChatRead()) {
            changed.run();
        }
    }

    /** The lines and their unread count, seen together. */
    record Lines(List<ChatLine> lines, int unread) {
    }

    Lines lines() {
        RoomState.Chat chat = room.chat();
        List<ChatLine> lines = new ArrayList<>(chat.messages().size());
        for (ChatMessage m : chat.messages()) {
            // Whose it is is decided now: a message may have arrived before its connection's id was known.
            lines.add(new ChatLine(m.id(), m.participantId(), m.from(), m.text(), m.serverTime(),
                    room.own(m.participantId()), m.history()));
        }
        return new Lines(List.copyOf(lines), chat.unread());
    }

    String problem() {
        return problem;
    }
}
