package chorus.client.session;

import chorus.protocol.control.ControlMessage.ChatMessage;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the room has told this participant beside its roster: the chat (each message once, the
 * newest {@value #CHAT_KEPT}, with a count of others' messages not yet read), the files offered,
 * who presents, and the ids this participant has had. The one place these are kept: a connection
 * writes into it as the relay reports, and a call (the {@code call} package's) hands the same
 * one to each of its connections, so it outlives a reconnection and a history given again on
 * rejoining is not added twice. Thread-safe.
 */
public final class RoomState {
    /** Chat messages kept: more than the relay's default history of 500. */
    public static final int CHAT_KEPT = 1_000;
    private static final int NO_MEDIA_ID = Integer.MIN_VALUE;

    /** The chat and how many of its messages from others are unread, seen together. */
    public record Chat(List<ChatMessage> messages, int unread) {
    }

    /** By {@link #chatKey}, oldest first; the unread count is guarded with it. */
    private final LinkedHashMap<String, ChatMessage> chat = new LinkedHashMap<>();
    private int unread;
    /** This participant's ids in every connection, to know its own messages and files. */
    private final Set<String> ownIds = ConcurrentHashMap.newKeySet();
    /** By file id, in the order offered. Guarded by itself. */
    private final LinkedHashMap<String, FileInfo> offered = new LinkedHashMap<>();
    // guarded by this
    private ParticipantInfo presenter;
    /** The media id of a share that ended: its late datagrams are not shown again. */
    private int endedShare = NO_MEDIA_ID;

    /** A connection joined as {@code participantId}: messages and files from it are this participant's. */
    public void joinedAs(String participantId) {
        ownIds.add(participantId);
    }

    /** Whether {@code participantId} is this participant in any of its connections. */
    public boolean own(String participantId) {
        return participantId != null && ownIds.contains(participantId);
    }

    // ---- chat ----

    /**
     * Adds a message unless it is already here (a connection that comes back is given the history
     * again); one from someone else, sent while this participant was there, counts as unread.
     *
     * @return whether it was new
     */
    public boolean addChat(ChatMessage m) {
        synchronized (chat) {
            if (chat.putIfAbsent(chatKey(m), m) != null) {
                return false;
            }
            while (chat.size() > CHAT_KEPT) {
                chat.remove(chat.keySet().iterator().next());
            }
            if (!m.history() && !own(m.participantId())) {
                unread++;
            }
            return true;
        }
    }

    /** The chat so far, oldest first, with its unread count. */
    public Chat chat() {
        synchronized (chat) {
            return new Chat(List.copyOf(chat.values()), unread);
        }
    }

    /** The chat so far, oldest first. */
    public List<ChatMessage> chatMessages() {
        synchronized (chat) {
            return List.copyOf(chat.values());
        }
    }

    /** The person has seen the chat: the unread count starts again from zero. Returns whether it changed. */
    public boolean markChatRead() {
        synchronized (chat) {
            boolean had = unread != 0;
            unread = 0;
            return had;
        }
    }

    /**
     * What tells chat messages apart: an id alone could repeat in a room that started over (a
     * relay restarted), the id with its time and sender does not.
     */
    private static String chatKey(ChatMessage m) {
        return m.id() + "/" + m.serverTime() + "/" + m.participantId();
    }

    // ---- files ----

    /** Adds a file offered to the room; returns whether it was new. */
    public boolean offer(FileInfo file) {
        synchronized (offered) {
            return offered.putIfAbsent(file.fileId(), file) == null;
        }
    }

    /** The offered file with this id, or null. */
    public FileInfo offered(String fileId) {
        synchronized (offered) {
            return offered.get(fileId);
        }
    }

    /** Files offered to the room, in the order offered. */
    public List<FileInfo> offeredFiles() {
        synchronized (offered) {
            return List.copyOf(offered.values());
        }
    }

    // ---- presenter ----

    /** Who presents a screen, or null when nobody does (or it is not known yet). */
    public synchronized ParticipantInfo presenter() {
        return presenter;
    }

    /**
     * The relay named a presenter, or nobody. A share that ends (its presenter stops, or presents
     * under another media id after coming back) is remembered, so its late datagrams are not shown.
     */
    public synchronized void presenterChanged(ParticipantInfo now) {
        ParticipantInfo was = presenter;
        if (was != null && (now == null || now.mediaId() != was.mediaId())) {
            endedShare = was.mediaId();
        }
        if (now != null && now.mediaId() == endedShare) {
            endedShare = NO_MEDIA_ID; // presenting again
        }
        presenter = now;
    }

    /**
     * A screen shown before its presenter was named (UDP can overtake the control message) is not
     * the presenter's: that share has ended.
     */
    public synchronized void shareEnded(int mediaId) {
        if (presenter == null || presenter.mediaId() != mediaId) {
            endedShare = mediaId;
        }
    }

    /** Whether frames from {@code mediaId} belong to a share that has ended. */
    public synchronized boolean shareHasEnded(int mediaId) {
        return mediaId == endedShare;
    }

    /** The connection is gone: who presents is told again by the next one. */
    public synchronized void forgetPresenter() {
        presenter = null;
        endedShare = NO_MEDIA_ID;
    }
}
