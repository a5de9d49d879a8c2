package chorus.client.ui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.Component;
import java.awt.Container;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import javax.swing.AbstractButton;
import javax.swing.SwingUtilities;

/** Driving the desktop app like a user in a real window: find by name, click, look at the pixels. */
final class Gui {
    static final Duration WAIT = Duration.ofSeconds(15);

    private Gui() {
    }

    /** GUI tests need a display; without one they fail with the reason rather than pass by skipping. */
    static void requireDisplay() {
        java.nio.file.Path xawt = java.nio.file.Path.of(System.getProperty("java.home"), "lib", "libawt_xawt.so");
        if (System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            assertTrue(java.nio.file.Files.exists(xawt), "GUI tests need a Java runtime with X11 support, and "
                    + xawt + " is missing: on Debian install openjdk-17-jre (not only openjdk-17-jre-headless)");
        }
        assertFalse(GraphicsEnvironment.isHeadless(), "GUI tests need a display: run them with ./chorus test, "
                + "which uses Xvfb when DISPLAY is unset (install xvfb), or set DISPLAY");
    }

    /** Preferences of their own, so a test neither reads nor changes the user's. */
    static AppPreferences freshPreferences() {
        return new AppPreferences(Preferences.userRoot().node("chorus-test/" + UUID.randomUUID()));
    }

    static void forget(AppPreferences prefs) {
        try {
            prefs.node().removeNode();
        } catch (BackingStoreException | IllegalStateException e) {
            // a test node left behind does no harm
        }
    }

    /** Runs on the Event Dispatch Thread and returns the result. */
    static <T> T onEdt(Callable<T> task) throws Exception {
        if (SwingUtilities.isEventDispatchThread()) {
            return task.call();
        }
        Object[] result = new Object[1];
        Exception[] failure = new Exception[1];
        SwingUtilities.invokeAndWait(() -> {
            try {
                result[0] = task.call();
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, WAIT);
    }

    static void await(String what, BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "within " + within.toMillis() + " ms: " + what);
            Thread.sleep(20);
        }
    }

    /** A condition evaluated on the EDT (Swing state is read only there). */
    static BooleanSupplier edt(Callable<Boolean> condition) {
        return () -> {
            try {
                return onEdt(condition);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
    }

    /** The component named {@code name} under {@code root}. */
    static <T extends Component> T find(Container root, String name, Class<T> type) {
        List<T> found = new ArrayList<>();
        collect(root, name, type, found);
        if (found.isEmpty()) {
            fail("no " + type.getSimpleName() + " named '" + name + "'");
        }
        return found.get(0);
    }

    private static <T extends Component> void collect(Container root, String name, Class<T> type, List<T> out) {
        for (Component c : root.getComponents()) {
            if (name.equals(c.getName()) && type.isInstance(c)) {
                out.add(type.cast(c));
            }
            if (c instanceof javax.swing.JMenu menu) {
                for (Component item : menu.getMenuComponents()) {
                    if (name.equals(item.getName()) && type.isInstance(item)) {
                        out.add(type.cast(item));
                    }
                }
            }
            if (c instanceof Container child) {
                collect(child, name, type, out);
            }
        }
    }

    /** Presses the button named {@code name} as a user would (on the EDT). */
    static void click(Container root, String name) throws Exception {
        onEdt(() -> {
            AbstractButton button = find(root, name, AbstractButton.class);
            if (!(button instanceof javax.swing.JMenuItem)) {
                assertTrue(button.isShowing(), name + " is on the screen");
            }
            assertTrue(button.isEnabled(), name + " is enabled");
            button.doClick();
            return null;
        });
    }

    /** Presses a button that opens a modal dialog: queued on the EDT, not waited for. */
    static void clickLater(Container root, String name) {
        SwingUtilities.invokeLater(() -> find(root, name, AbstractButton.class).doClick());
    }

    /** The showing window named {@code name}, or null. */
    static java.awt.Window window(String name) {
        for (java.awt.Window w : java.awt.Window.getWindows()) {
            if (name.equals(w.getName()) && w.isShowing()) {
                return w;
            }
        }
        return null;
    }

    static String text(Container root, String name) throws Exception {
        return onEdt(() -> {
            Component c = find(root, name, Component.class);
            if (c instanceof javax.swing.JLabel label) {
                return label.getText();
            }
            return ((AbstractButton) c).getText();
        });
    }

    /** The pixels on the screen where the component is. */
    static BufferedImage screenshot(Component component) throws IOException {
        return WindowCapture.capture(component);
    }

    /** Saves what the component looks like to {@code -Dchorus.test.screenshots=DIR}, if set, for a person to look at. */
    static void save(Component component, String name) throws IOException {
        String dir = System.getProperty("chorus.test.screenshots");
        if (dir != null) {
            WindowCapture.writePng(component, java.nio.file.Path.of(dir, name + ".png"));
        }
    }

    /** Fraction of pixels that differ between two screenshots of the same area. */
    static double difference(BufferedImage a, BufferedImage b) {
        int w = Math.min(a.getWidth(), b.getWidth());
        int h = Math.min(a.getHeight(), b.getHeight());
        long differ = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if ((a.getRGB(x, y) & 0xFFFFFF) != (b.getRGB(x, y) & 0xFFFFFF)) {
                    differ++;
                }
            }
        }
        return (double) differ / ((long) w * h);
    }
}
