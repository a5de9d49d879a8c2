package chorus.client.device;

import chorus.client.media.VideoSource;
import java.awt.AWTException;
import java.awt.Graphics2D;
import java.awt.GraphicsDevice;
import java.awt.GraphicsEnvironment;
import java.awt.HeadlessException;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Robot;
import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * The screen to share: the default screen captured with {@link Robot} (X11, Windows and macOS alike,
 * no native library to ship), scaled down to fit 1920x1080 when it is larger.
 * Each {@link #nextFrame()} captures anew; it runs on the screen clock, never on a UI thread (a
 * capture of a large screen takes tens of milliseconds). Not thread-safe: one per share.
 */
public final class ScreenCapture implements VideoSource {
    public static final int MAX_WIDTH = 1920;
    public static final int MAX_HEIGHT = 1080;

    private final Robot robot;
    private final Rectangle region;
    private final int width;
    private final int height;
    private BufferedImage scaled;

    private ScreenCapture(Robot robot, Rectangle region) {
        this.robot = robot;
        this.region = region;
        double scale = Math.min(1.0, Math.min((double) MAX_WIDTH / region.width, (double) MAX_HEIGHT / region.height));
        this.width = Math.max(1, (int) Math.round(region.width * scale));
        this.height = Math.max(1, (int) Math.round(region.height * scale));
    }

    /**
     * The default screen, whole.
     *
     * @throws DeviceUnavailableException when there is no screen to capture or the system refuses
     */
    public static ScreenCapture defaultScreen() throws DeviceUnavailableException {
        try {
            if (GraphicsEnvironment.isHeadless()) {
                throw new DeviceUnavailableException("There is no screen to share here (no display).");
            }
            GraphicsDevice screen = GraphicsEnvironment.getLocalGraphicsEnvironment().getDefaultScreenDevice();
            Rectangle bounds = screen.getDefaultConfiguration().getBounds();
            return new ScreenCapture(new Robot(screen), bounds);
        } catch (AWTException | HeadlessException | SecurityException e) {
            throw new DeviceUnavailableException("The screen cannot be captured here (" + e.getMessage() + ").", e);
        }
    }

    /** The size of the frames sent: the screen's, or smaller to fit 1920x1080. */
    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    @Override
    public BufferedImage nextFrame() throws IOException {
        BufferedImage shot;
        try {
            shot = robot.createScreenCapture(region);
        } catch (RuntimeException e) {
            throw new IOException("screen capture failed: " + e.getMessage(), e);
        }
        if (shot.getWidth() == width && shot.getHeight() == height) {
            return shot;
        }
        if (scaled == null) {
            scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        }
        Graphics2D g = scaled.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(shot, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return scaled;
    }
}
