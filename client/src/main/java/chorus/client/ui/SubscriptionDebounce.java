package chorus.client.ui;

import chorus.protocol.control.ControlMessage.Subscribe;
import java.util.Objects;
import java.util.function.Consumer;
import javax.swing.Timer;

/**
 * Sends the subscription for what the app shows once it has settled: every change (a page turned,
 * a tile resized, someone joining) restarts a short quiet period, and only the subscription still
 * wanted at its end goes out, and only if it differs from the last one sent. So dragging a
 * window's corner sends one message, not one per pixel (the relay rate-limits subscriptions).
 * On the Event Dispatch Thread only.
 */
final class SubscriptionDebounce {
    /** Quiet time before a changed subscription is sent. */
    static final int QUIET_MILLIS = 250;

    private final Consumer<Subscribe> send;
    private final Timer timer;
    private Subscribe pending;
    private Subscribe sent;

    SubscriptionDebounce(Consumer<Subscribe> send) {
        this.send = send;
        this.timer = new Timer(QUIET_MILLIS, e -> flush());
        timer.setRepeats(false);
    }

    /** What the app shows now; null while it cannot tell (tiles not laid out yet). */
    void shown(Subscribe wanted) {
        if (wanted == null || wanted.equals(pending)) {
            return;
        }
        pending = wanted;
        if (wanted.equals(sent)) {
            timer.stop(); // back to what the relay already has
        } else {
            timer.restart();
        }
    }

    private void flush() {
        if (pending != null && !Objects.equals(pending, sent)) {
            sent = pending;
            send.accept(sent);
        }
    }

    void stop() {
        timer.stop();
    }
}
