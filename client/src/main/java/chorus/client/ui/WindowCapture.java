package chorus.client.ui;

import java.awt.AWTException;
import java.awt.Component;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.swing.SwingUtilities;

/** Screenshots of what is on the screen where a component is: the pixels a user sees. */
final class WindowCapture {
    private WindowCapture() {
    }

    /** The screen area of {@code component}; call off the EDT (the capture waits for nothing on it). */
    static BufferedImage capture(Component component) throws IOException {
        Rectangle[] bounds = new Rectangle[1];
        try {
            SwingUtilities.invokeAndWait(() -> {
                Point p = component.getLocationOnScreen();
                bounds[0] = new Rectangle(p, component.getSize());
            });
            return new Robot().createScreenCapture(bounds[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while capturing the screen", e);
        } catch (InvocationTargetException | AWTException e) {
            throw new IOException("cannot capture the screen: " + e.getMessage(), e);
        }
    }

    static void writePng(Component component, Path file) throws IOException {
        BufferedImage image = capture(component);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
    }
}
