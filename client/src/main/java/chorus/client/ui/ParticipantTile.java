package chorus.client.ui;

import chorus.client.call.ParticipantView;
import java.awt.BasicStroke;
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
import java.util.Locale;
import javax.swing.JComponent;

/**
 * One participant's tile: their video scaled to fit, or a placeholder with their initials when the
 * video is off; their name (or "You") at the bottom; a coloured ring while they speak.
 */
final class ParticipantTile extends JComponent {
    static final Color BACKGROUND = new Color(0x26, 0x28, 0x2c);
    static final Color SPEAKING = new Color(0x2e, 0xa0, 0x43);
    static final Color MUTED = new Color(0xd1, 0x34, 0x38);
    private static final Color LABEL_BACKGROUND = new Color(0, 0, 0, 150);
    private static final Color[] AVATARS = {
            new Color(0x5b, 0x5f, 0xc7), new Color(0x00, 0x7a, 0x8a), new Color(0xc2, 0x39, 0xb3),
            new Color(0xca, 0x50, 0x10), new Color(0x49, 0x82, 0x05), new Color(0x03, 0x83, 0xd4),
            new Color(0x88, 0x17, 0x98), new Color(0xa4, 0x26, 0x2c)};
    private static final int ARC = 14;

    private final boolean self;
    private String participantId = "";
    private java.util.List<Integer> layers;
    private String name = "";
    private String initials = "?";
    private Color avatar = AVATARS[0];
    private BufferedImage image;
    private long frames = -1;
    private boolean showingVideo;
    private boolean speaking;
    private boolean muted;

    ParticipantTile(boolean self) {
        this.self = self;
        setOpaque(false);
        setPreferredSize(new Dimension(320, 240));
    }

    /** Takes the participant's current state; repaints only when something visible changed. */
    void update(ParticipantView view, boolean selfMuted) {
        boolean changed = false;
        participantId = view.participantId();
        layers = view.layers();
        if (!view.name().equals(name)) {
            name = view.name();
            initials = initials(name);
            avatar = avatarColour(name);
            setName(self ? "tile:self" : "tile:" + name);
            setToolTipText(self ? name + " (you)" : name);
            changed = true;
        }
        boolean video = view.videoActive() && view.image() != null;
        if (video != showingVideo || (video && view.videoFrames() != frames)) {
            showingVideo = video;
            image = video ? view.image() : null;
            frames = view.videoFrames();
            changed = true;
        }
        if (view.speaking() != speaking || selfMuted != muted) {
            speaking = view.speaking();
            muted = selfMuted;
            changed = true;
        }
        if (changed) {
            repaint();
        }
    }

    /** "You" on this participant's own tile, the name on everyone else's. */
    String label() {
        return self ? "You" : name;
    }

    String participantId() {
        return participantId;
    }

    /** Heights of the camera layers this participant sends (null: one layer). */
    java.util.List<Integer> layers() {
        return layers;
    }

    String participantName() {
        return name;
    }

    boolean self() {
        return self;
    }

    boolean showingVideo() {
        return showingVideo;
    }

    boolean speaking() {
        return speaking;
    }

    String initials() {
        return initials;
    }

    /** The colour of a participant's placeholder, the same wherever their initials appear. */
    static Color avatarColour(String name) {
        return AVATARS[Math.floorMod(name.hashCode(), AVATARS.length)];
    }

    /** First letters of the first and last words, upper case: "Ada Lovelace" → "AL", "bob" → "B". */
    static String initials(String name) {
        String[] words = name.trim().split("[\\s_.\\-]+");
        StringBuilder out = new StringBuilder();
        for (String word : new String[] {words[0], words.length > 1 ? words[words.length - 1] : ""}) {
            if (!word.isEmpty()) {
                out.appendCodePoint(Character.toUpperCase(word.codePointAt(0)));
            }
        }
        return out.length() == 0 ? "?" : out.toString().toUpperCase(Locale.ROOT);
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
            g.setColor(BACKGROUND);
            g.fill(outline);
            Graphics2D clipped = (Graphics2D) g.create();
            clipped.clip(outline);
            if (showingVideo && image != null) {
                paintVideo(clipped, w, h);
            } else {
                paintPlaceholder(clipped, w, h);
            }
            paintLabel(clipped, w, h);
            clipped.dispose();
            if (speaking) {
                g.setColor(SPEAKING);
                g.setStroke(new BasicStroke(3f));
                g.draw(new RoundRectangle2D.Float(1.5f, 1.5f, w - 3f, h - 3f, ARC, ARC));
            }
        } finally {
            g.dispose();
        }
    }

    /** The picture as large as fits, keeping its shape, centred. */
    private void paintVideo(Graphics2D g, int w, int h) {
        double scale = Math.min((double) w / image.getWidth(), (double) h / image.getHeight());
        int iw = (int) Math.round(image.getWidth() * scale);
        int ih = (int) Math.round(image.getHeight() * scale);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, (w - iw) / 2, (h - ih) / 2, iw, ih, null);
    }

    private void paintPlaceholder(Graphics2D g, int w, int h) {
        int d = Math.max(24, Math.min(160, (int) (Math.min(w, h) * 0.42)));
        int x = (w - d) / 2;
        int y = (h - d) / 2;
        g.setColor(avatar);
        g.fillOval(x, y, d, d);
        g.setColor(Color.WHITE);
        g.setFont(getFont().deriveFont(Font.BOLD, d * 0.38f));
        FontMetrics fm = g.getFontMetrics();
        g.drawString(initials, x + (d - fm.stringWidth(initials)) / 2, y + (d - fm.getHeight()) / 2 + fm.getAscent());
    }

    private void paintLabel(Graphics2D g, int w, int h) {
        Font font = getFont().deriveFont(Font.BOLD, 13f);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        String text = label();
        int padX = 8;
        int boxH = fm.getHeight() + 6;
        int boxW = Math.min(w - 16, fm.stringWidth(text) + 2 * padX);
        int x = 8;
        int y = h - boxH - 8;
        g.setColor(LABEL_BACKGROUND);
        g.fillRoundRect(x, y, boxW, boxH, 8, 8);
        g.setColor(Color.WHITE);
        Graphics2D text2 = (Graphics2D) g.create(x, y, boxW, boxH);
        text2.drawString(text, padX, 3 + fm.getAscent());
        text2.dispose();
        if (self && muted) {
            String m = "Muted";
            int mw = fm.stringWidth(m) + 2 * padX;
            int mx = Math.min(w - mw - 8, x + boxW + 6);
            g.setColor(MUTED);
            g.fillRoundRect(mx, y, mw, boxH, 8, 8);
            g.setColor(Color.WHITE);
            g.drawString(m, mx + padX, y + 3 + fm.getAscent());
        }
    }
}
