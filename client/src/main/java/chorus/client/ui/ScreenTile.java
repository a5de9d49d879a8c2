package chorus.client.ui;

import chorus.client.call.ScreenView;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import javax.swing.JComponent;

/**
 * The presenter's screen, as large as the call's video area allows: the picture scaled to fit,
 * keeping its shape, with "NAME's screen" at the bottom; "NAME is presenting…" until the first
 * picture arrives.
 */
final class ScreenTile extends JComponent {
    private static final Color LABEL_BACKGROUND = new Color(0, 0, 0, 150);
    private static final int ARC = 14;

    private String presenter = "";
    private BufferedImage image;
    private long frames = -1;

    ScreenTile() {
        setName("tile:screen");
        setOpaque(false);
        setPreferredSize(new Dimension(960, 540));
    }

    /** Takes the current screen; repaints only when something visible changed. */
    void update(ScreenView screen) {
        boolean changed = !screen.presenterName().equals(presenter) || screen.frames() != frames;
        presenter = screen.presenterName();
        image = screen.image();
        frames = screen.frames();
        setToolTipText(presenter + "'s screen");
        if (changed) {
            repaint();
        }
    }

    String presenter() {
        return presenter;
    }

    /** Whether a picture of the screen is shown (rather than the waiting text). */
    boolean showingScreen() {
        return image != null;
    }

    long frames() {
        return frames;
    }

    @Override
    protected void paintComponent(Graphics graphics) {
        Graphics2D g = (Graphics2D) graphics.create();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            int w = getWidth();
            int h = getHeight();
            Shape outline = new RoundRectangle2D.Float(0, 0, w, h, ARC, ARC);
            g.setColor(ParticipantTile.BACKGROUND);
            g.fill(outline);
            g.clip(outline);
            g.setFont(getFont().deriveFont(Font.BOLD, 14f));
            FontMetrics fm = g.getFontMetrics();
            if (image != null) {
                double scale = Math.min((double) w / image.getWidth(), (double) h / image.getHeight());
                int iw = (int) Math.round(image.getWidth() * scale);
                int ih = (int) Math.round(image.getHeight() * scale);
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(image, (w - iw) / 2, (h - ih) / 2, iw, ih, null);
            } else {
                String waiting = presenter + " is presenting\u2026";
                g.setColor(Color.LIGHT_GRAY);
                g.drawString(waiting, (w - fm.stringWidth(waiting)) / 2, h / 2);
            }
            String label = presenter + "'s screen";
            int boxW = Math.min(w - 16, fm.stringWidth(label) + 16);
            int boxH = fm.getHeight() + 6;
            g.setColor(LABEL_BACKGROUND);
            g.fillRoundRect(8, h - boxH - 8, boxW, boxH, 8, 8);
            g.setColor(Color.WHITE);
            g.drawString(label, 16, h - boxH - 8 + 3 + fm.getAscent());
        } finally {
            g.dispose();
        }
    }
}
