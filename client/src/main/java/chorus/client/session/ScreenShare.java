package chorus.client.session;

import chorus.client.media.VideoSource;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This participant's own screen share on one connection: asked for, granted when the relay names
 * it the presenter (the screen is then sent), refused when someone else presents, withdrawn, or
 * abandoned when the connection ends. Thread-safe.
 */
final class ScreenShare {
    private static final Logger log = LoggerFactory.getLogger(ScreenShare.class);

    private final String participantId;
    private final ControlConnection control;
    private final MediaSession media;
    /** A share asked for and not yet answered; guarded by {@code this}. */
    private Request request;
    private volatile boolean presenting;

    /** A share waiting for the relay's answer. */
    private record Request(VideoSource source, int fps, CompletableFuture<Void> answer) {
    }

    ScreenShare(String participantId, ControlConnection control, MediaSession media) {
        this.participantId = participantId;
        this.control = control;
        this.media = media;
    }

    boolean presenting() {
        return presenting;
    }

    /** See {@link ChorusClient#startScreenShare}. */
    CompletableFuture<Void> start(VideoSource source, int fps) {
        if (fps < 1 || fps > 30) {
            throw new IllegalArgumentException("screen fps " + fps + " is outside 1..30");
        }
        CompletableFuture<Void> answer;
        synchronized (this) {
            if (presenting) {
                media.startScreen(source, fps);
                return CompletableFuture.completedFuture(null);
            }
            if (request != null) {
                answer = request.answer();
                request = new Request(source, fps, answer); // asked already: the newer source wins
                return answer;
            }
            answer = new CompletableFuture<>();
            request = new Request(source, fps, answer);
        }
        try {
            control.send(new ControlMessage.ScreenShareStart());
        } catch (IOException e) {
            synchronized (this) {
                if (request != null && request.answer() == answer) {
                    request = null;
                }
            }
            answer.completeExceptionally(e);
        }
        return answer;
    }

    /** Stops presenting (or withdraws a request not yet answered); tells the relay when {@code joined}. */
    void stop(boolean joined) {
        boolean tell;
        Request withdrawn;
        synchronized (this) {
            withdrawn = request;
            request = null;
            tell = presenting || withdrawn != null;
            presenting = false;
        }
        media.stopScreen();
        if (withdrawn != null) {
            withdrawn.answer().completeExceptionally(new CancellationException("screen share withdrawn"));
        }
        if (tell && joined) {
            try {
                control.send(new ControlMessage.ScreenShareStop());
            } catch (IOException e) {
                log.debug("screen-stop not sent: {}", e.getMessage()); // the reader thread reports the loss
            }
        }
    }

    /** The relay refused the share ({@code presenter-busy}): the request, if any, fails with its words. */
    void refused(String code, String message) {
        Request refused;
        synchronized (this) {
            refused = request;
            request = null;
        }
        if (refused != null) {
            refused.answer().completeExceptionally(new RelayErrorException(code, message));
        }
    }

    /** The relay named a presenter (or nobody): start sending the screen if it is us, stop if it no longer is. */
    void presenterChanged(ParticipantInfo now) {
        boolean us = now != null && participantId.equals(now.participantId());
        Request granted = null;
        boolean stopped = false;
        synchronized (this) {
            if (us && request != null) {
                granted = request;
                request = null;
                presenting = true;
            } else if (!us && presenting) {
                presenting = false;
                stopped = true;
            }
        }
        if (granted != null) {
            try {
                media.startScreen(granted.source(), granted.fps());
                granted.answer().complete(null);
            } catch (RuntimeException e) {
                granted.answer().completeExceptionally(e);
            }
        } else if (stopped) {
            media.stopScreen();
        }
    }

    /** The connection is ending: a share asked for will never be answered. */
    void abandon(String why) {
        Request pending;
        synchronized (this) {
            pending = request;
            request = null;
            presenting = false;
        }
        if (pending != null) {
            pending.answer().completeExceptionally(new IOException("no screen share: " + why));
        }
    }
}
