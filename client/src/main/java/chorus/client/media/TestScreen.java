package chorus.client.media;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * A synthetic shared screen: a 1280x720 desktop with one window showing a slide with the
 * presenter's name, a pointer that moves across it and a frame counter. Like
 * {@link TestPattern}, frame {@code n} always looks the same and consecutive frames differ. Not
 * thread-safe: one per screen share (the image and encoder are reused).
 */
public final class TestScreen implements VideoSource {
    public static final int WIDTH = 1280;
    public static final int HEIGHT = 720;

    private static final Color DESKTOP = new Color(0x1e, 0x3a, 0x5f);
    private static final Color WINDOW = new Color(0xf4, 0xf4, 0xf4);
    private static final Color TITLE_BAR = new Color(0x2b, 0x2b, 0x2b);
    private static final Color ACCENT = new Color(0xc2, 0x39, 0xb3);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 16);
    private static final Font HEADING = new Font(Font.SANS_SERIF, Font.BOLD, 44);
    private static final Font BODY = new Font(Font.SANS_SERIF, Font.PLAIN, 28);
    private static final Font COUNTER = new Font(Font.MONOSPACED, Font.BOLD, 20);

    private final String presenter;
    private final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    private long nextIndex;

    /** @param presenter shown on the slide, normally the presenter's name */
    public TestScreen(String presenter) {
        this.presenter = presenter;
    }

    @Override
    public BufferedImage nextFrame() {
        return render(nextIndex++);
    }

    /** Draws frame {@code index} into the screen's image and returns it; valid until the next call. */
    public BufferedImage render(long index) {
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(DESKTOP);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            int wx = 80;
            int wy = 50;
            int ww = WIDTH - 160;
            int wh = HEIGHT - 120;
            g.setColor(TITLE_BAR);
            g.fillRect(wx, wy, ww, 32);
            g.setColor(Color.WHITE);
            g.setFont(TITLE);
            g.drawString("Slides \u2014 " + presenter + "'s screen", wx + 14, wy + 22);
            g.setColor(WINDOW);
            g.fillRect(wx, wy + 32, ww, wh - 32);
            g.setColor(ACCENT);
            g.fillRect(wx + 60, wy + 90, 12, 60);
            g.setColor(Color.DARK_GRAY);
            g.setFont(HEADING);
            g.drawString("Shared by " + presenter, wx + 90, wy + 138);
            g.setFont(BODY);
            String[] lines = {"\u2022 Group chat in the same order for everyone",
                    "\u2022 One presenter at a time", "\u2022 Files checked with SHA-256 on both ends"};
            for (int i = 0; i < lines.length; i++) {
                g.drawString(lines[i], wx + 90, wy + 220 + i * 56);
            }
            // A pointer sweeping across the slide: 8 px a frame, so motion shows even at 5 fps.
            int travel = ww - 120;
            int step = (int) ((index * 8) % (2L * travel));
            int px = wx + 60 + (step <= travel ? step : 2 * travel - step);
            int py = wy + wh - 110;
            g.setColor(ACCENT);
            g.fillPolygon(new int[] {px, px, px + 14}, new int[] {py, py + 26, py + 18}, 3);
            g.setColor(Color.GRAY);
            g.setFont(COUNTER);
            g.drawString(String.format("frame %06d", index), wx + ww - 200, wy + wh - 24);
        } finally {
            g.dispose();
        }
        return image;
    }
}
