package chorus.client.call;

import chorus.client.media.VideoSource;
import chorus.client.session.ChorusClient;
import chorus.client.session.RelayErrorException;
import chorus.client.session.RoomState;
import chorus.client.session.VideoFrame;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A call's screen sharing: the share this participant asked for (asked for again by each new
 * connection until it is stopped or refused) and the presenter's screen as last received, for the
 * snapshot. Who presents is the room state's.
 */
final class SharedScreen {
    private final RoomState room;
    private final boolean keepPictures;
    private final Consumer<Runnable> onConnector;
    private final Supplier<ChorusClient> session;
    private final Runnable changed;
    private volatile ScreenView screen;
    private volatile String problem;
    /** The share the person asked for (it survives a reconnection); connector thread only, except the flag. */
    private VideoSource source;
    private int fps = Call.SCREEN_FPS;
    private volatile boolean wanted;

    /**
     * @param onConnector runs a task on the call's connector thread (nothing once the call ended)
     * @param session     the call's connection, read on the connector thread; null between connections
     * @param changed     tells the call's listener that the snapshot changed
     */
    SharedScreen(RoomState room, boolean keepPictures, Consumer<Runnable> onConnector, Supplier<ChorusClient> session,
                 Runnable changed) {
        this.room = room;
        this.keepPictures = keepPictures;
        this.onConnector = onConnector;
        this.session = session;
        this.changed = changed;
    }

    // ---- connector thread ----

    void start(VideoSource source, int fps) {
        this.source = source;
        this.fps = fps;
        wanted = true;
        problem = null;
        ChorusClient client = session.get();
        if (client != null) {
            request(client);
        }
        changed.run();
    }

    void stop() {
        wanted = false;
        source = null;
        problem = null;
        ChorusClient client = session.get();
        if (client != null) {
            client.stopScreenShare();
        }
        changed.run();
    }

    /** A new connection: presenting when the relay went away, it asks again. */
    void joined(ChorusClient client) {
        if (wanted && source != null) {
            request(client);
        }
    }

    /** The connection was lost: the screen shown is gone with it. */
    void connectionLost() {
        screen = null;
    }

    /** The call ended. */
    void ended() {
        screen = null;
        wanted = false;
    }

    private void request(ChorusClient client) {
        client.startScreenShare(source, fps).whenComplete((ok, failure) -> {
            if (failure == null) {
                problem = null;
                changed.run();
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof CancellationException) {
                return; // withdrawn by stopScreenShare
            }
            onConnector.accept(() -> {
                if (client != session.get()) {
                    return; // that connection is gone; a new one asks again
                }
                wanted = false;
                source = null;
                problem = cause instanceof RelayErrorException refusal ? refusal.relayMessage()
                        : "The screen could not be shared (" + cause.getMessage() + ").";
                changed.run();
            });
        });
    }

    // ---- the connection's threads ----

    /** The room state has the presenter now and the share that ended with the last one. */
    void presenterChanged(ParticipantInfo now) {
        ScreenView shown = screen;
        if (shown != null && (now == null || !shown.presenterId().equals(now.participantId()))) {
            room.shareEnded(shown.mediaId());
            screen = null;
        }
        changed.run();
    }

    /** A frame of someone's screen; {@code roster} is the call's, for a frame that overtook its presenter message. */
    void frame(VideoFrame frame, List<ParticipantInfo> roster) {
        if (!keepPictures || frame.image() == null || room.shareHasEnded(frame.mediaId())) {
            return; // not shown, undecodable, or a late datagram of a share that ended
        }
        ParticipantInfo p = room.presenter();
        if (p == null) {
            // UDP can overtake the presenter message; the relay has already checked the sender.
            p = roster.stream().filter(r -> r.mediaId() == frame.mediaId()).findFirst().orElse(null);
        }
        if (p == null || p.mediaId() != frame.mediaId()) {
            return;
        }
        ScreenView was = screen;
        boolean first = was == null;
        screen = new ScreenView(p.participantId(), p.name(), p.mediaId(), false, frame.image(),
                first ? 1 : was.frames() + 1);
        if (first) {
            changed.run();
        }
    }

    // ---- the snapshot ----

    /** Who presents and their screen, or null when nobody presents. */
    ScreenView view() {
        ParticipantInfo presenting = room.presenter();
        ScreenView shown = screen;
        return presenting == null ? shown // a screen whose presenter message is still on its way
                : shown != null && shown.presenterId().equals(presenting.participantId()) ? shown
                : new ScreenView(presenting.participantId(), presenting.name(), presenting.mediaId(),
                room.own(presenting.participantId()), null, 0);
    }

    boolean wanted() {
        return wanted;
    }

    String problem() {
        return problem;
    }
}
