package chorus.client.ui;

import chorus.client.call.Call;
import chorus.client.call.CallListener;
import chorus.client.call.CallOptions;
import chorus.client.device.DeviceKind;
import java.awt.GraphicsEnvironment;
import java.awt.HeadlessException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.swing.SwingUtilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desktop app: installs the theme, asks where to join if the command line did not say, starts
 * the {@link Call} and opens its {@link MainWindow}. Everything Swing happens on the Event Dispatch
 * Thread; the call runs on its own threads, and device lookups on a worker thread.
 */
public final class DesktopApp {
    private static final Logger log = LoggerFactory.getLogger(DesktopApp.class);

    private final LaunchOptions options;
    private final AppPreferences prefs;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "chorus-ui-worker");
        t.setDaemon(true);
        return t;
    });
    private volatile Call call;
    private volatile MainWindow window;

    private DesktopApp(LaunchOptions options, AppPreferences prefs) {
        this.options = options;
        this.prefs = prefs;
    }

    /**
     * Starts the app on the Event Dispatch Thread and returns at once; {@link #closed()} completes
     * when its window has closed (or the join dialog was cancelled).
     *
     * @throws HeadlessException when there is no display
     */
    public static DesktopApp launch(LaunchOptions options, AppPreferences prefs) {
        if (GraphicsEnvironment.isHeadless()) {
            throw new HeadlessException("the desktop app needs a display (DISPLAY is not set, or Java runs headless)");
        }
        DesktopApp app = new DesktopApp(options, prefs);
        SwingUtilities.invokeLater(app::start);
        return app;
    }

    private void start() {
        try {
            prefs.theme().install();
            LaunchOptions join = options.complete() ? options : JoinDialog.ask(options, prefs);
            if (join == null) {
                finish();
                return;
            }
            call = Call.start(CallOptions.of(join.relay(), join.name(), join.room()).withTrust(join.trust())
                            .withToken(join.token()).withVideoEncoding(join.videoEncoding()),
                    new CallListener() {
                @Override
                public void onDeviceProblem(DeviceKind kind, String message) {
                    SwingUtilities.invokeLater(() -> {
                        MainWindow w = window;
                        if (w != null) {
                            w.deviceProblem(kind, message);
                        }
                    });
                }
            });
            window = new MainWindow(call, join, prefs, worker, this::finish);
            window.setVisible(true);
            log.info("window open: {} in room {} on {}", join.name(), join.room(), join.relay());
        } catch (RuntimeException e) {
            log.error("the desktop app could not start", e);
            if (call != null) {
                call.leave();
            }
            closed.completeExceptionally(e);
        }
    }

    private void finish() {
        worker.shutdown();
        closed.complete(null);
    }

    /** Completes once the window has closed. */
    public CompletableFuture<Void> closed() {
        return closed;
    }

    /** Leaves the call and closes the window, as the Leave button does. */
    public void leave() {
        SwingUtilities.invokeLater(() -> {
            MainWindow w = window;
            if (w != null) {
                w.leave();
            } else {
                finish();
            }
        });
    }

    /** The call, once started (null before the join dialog is answered). */
    public Call call() {
        return call;
    }

    MainWindow window() {
        return window;
    }
}
