package chorus.client.media;

import chorus.client.codec.JpegEncoder;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A synthetic camera: 640x480 colour bars with a bouncing box, a sweeping clock hand, the
 * participant's name and a frame counter, written as text and as a strip of blocks a receiver reads
 * back after lossy compression ({@link FrameCounterStrip}). Frame {@code n} always looks the same,
 * so tests can compare what was sent with what arrived, and consecutive frames always differ, so a
 * frozen picture is visible. Not thread-safe: one per sending stream (the image and encoder are reused).
 */
public final class TestPattern implements VideoSource {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 480;
    public static final float JPEG_QUALITY = 0.7f;

    /** 75% colour bars: white, yellow, cyan, green, magenta, red, blue. */
    private static final Color[] BARS = {
            new Color(191, 191, 191), new Color(191, 191, 0), new Color(0, 191, 191), new Color(0, 191, 0),
            new Color(191, 0, 191), new Color(191, 0, 0), new Color(0, 0, 191)};
    private static final int BARS_HEIGHT = HEIGHT * 3 / 5;
    private static final int BOX = 64;
    private static final Font NAME_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 40);
    private static final Color BACKGROUND = new Color(24, 24, 32);
    private static final BasicStroke CLOCK_STROKE = new BasicStroke(3);
    private static final Font COUNTER_FONT = new Font(Font.MONOSPACED, Font.BOLD, 24);

    private final String label;
    private final int fps;
    private final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    private final JpegEncoder encoder = new JpegEncoder(JPEG_QUALITY);
    private long nextIndex;

    /**
     * @param label shown in the picture, normally the participant's name
     * @param fps   frame rate the pattern's clock assumes (the hand turns once a second)
     */
    public TestPattern(String label, int fps) {
        if (fps < 1) {
            throw new IllegalArgumentException("fps must be at least 1");
        }
        this.label = label;
        this.fps = fps;
    }

    @Override
    public BufferedImage nextFrame() {
        return render(nextIndex++);
    }

    /** Frame {@code index} as a JPEG in a new array. */
    public byte[] jpeg(long index) throws IOException {
        ByteBuffer jpeg = encoder.encode(render(index));
        byte[] copy = new byte[jpeg.remaining()];
        jpeg.get(copy);
        return copy;
    }

    /** Draws frame {@code index} into the pattern's image and returns it; valid until the next call. */
    public BufferedImage render(long index) {
        Graphics2D g = image.createGraphics();
        try {
            int barWidth = (WIDTH + BARS.length - 1) / BARS.length;
            for (int i = 0; i < BARS.length; i++) {
                g.setColor(BARS[i]);
                g.fillRect(i * barWidth, 0, barWidth, BARS_HEIGHT);
            }
            g.setColor(BACKGROUND);
            g.fillRect(0, BARS_HEIGHT, WIDTH, HEIGHT - BARS_HEIGHT);

            // A box bouncing across the bars: 4 px per frame, so motion is obvious at any rate.
            int travel = WIDTH - BOX;
            int step = (int) ((index * 4) % (2L * travel));
            int x = step <= travel ? step : 2 * travel - step;
            g.setColor(Color.WHITE);
            g.fillRect(x, BARS_HEIGHT / 2 - BOX / 2, BOX, BOX);
            g.setColor(Color.BLACK);
            g.drawRect(x, BARS_HEIGHT / 2 - BOX / 2, BOX - 1, BOX - 1);

            // A clock face whose hand turns once per second of the stream.
            int cx = WIDTH - 70;
            int cy = BARS_HEIGHT + (HEIGHT - BARS_HEIGHT) / 2;
            int r = 50;
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.LIGHT_GRAY);
            g.setStroke(CLOCK_STROKE);
            g.drawOval(cx - r, cy - r, 2 * r, 2 * r);
            double angle = 2 * Math.PI * (index % fps) / fps;
            g.setColor(Color.ORANGE);
            g.drawLine(cx, cy, cx + (int) Math.round(Math.sin(angle) * (r - 6)), cy - (int) Math.round(Math.cos(angle) * (r - 6)));

            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.setFont(NAME_FONT);
            g.drawString(label, 24, BARS_HEIGHT + 60);
            g.setFont(COUNTER_FONT);
            long millis = index * 1000 / fps;
            g.drawString(String.format("frame %06d  %02d:%02d.%03d", index,
                    millis / 60_000, millis / 1000 % 60, millis % 1000), 24, BARS_HEIGHT + 120);
            FrameCounterStrip.draw(g, index, WIDTH, HEIGHT);
        } finally {
            g.dispose();
        }
        return image;
    }
}
