package chorus.client.ui;

import chorus.client.call.CallSnapshot;
import chorus.client.call.ParticipantView;
import java.awt.BorderLayout;
import java.awt.Component;
import java.awt.Container;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.event.ComponentAdapter;
import java.awt.event.ComponentEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;

/**
 * The call's video: one {@link ParticipantTile} per participant, you first. In the gallery the
 * tiles sit in a grid that grows 1x1, 2x2, 3x3, 4x4 with the room (5x5 on a large window) and
 * then pages ({@link GridShape}), laid out by {@link TileLayout}; the page stays put when people
 * join or leave (clamped when it no longer exists). In the speaker view the dominant speaker is
 * large and the recent speakers sit in a strip below. While someone else presents, their screen is
 * the large tile ({@link ScreenTile}) and the first {@link #STRIP_TILES} participants sit in a
 * column beside it. Which tiles are on the screen, and how tall, is what the app subscribes to
 * ({@link #shownTiles()}).
 */
final class VideoGrid extends JPanel {
    private static final int GAP = 8;
    /** Tiles beside a presented screen. */
    static final int STRIP_TILES = 4;
    private static final int STRIP_WIDTH = 240;
    /** Tiles in the speaker view's strip of recent speakers. */
    static final int SPEAKER_STRIP_TILES = 6;
    private static final int SPEAKER_STRIP_HEIGHT = 130;

    private final JPanel cells = new JPanel();
    private final JPanel pager = new JPanel(new FlowLayout(FlowLayout.CENTER, 8, 2));
    private final JButton previous = new JButton("\u25C0");
    private final JButton next = new JButton("\u25B6");
    private final JLabel pageLabel = new JLabel();
    private final JLabel countLabel = new JLabel();
    private final Map<String, ParticipantTile> tiles = new HashMap<>();
    private List<String> shown = List.of();
    private int shownColumns;
    private int maxSide = GridShape.MAX_SIDE;
    private GridShape shape = GridShape.of(1);
    private int page;
    private List<String> order = List.of();
    private final JPanel stage = new JPanel(new BorderLayout(GAP, 0));
    private final JPanel strip = new JPanel();
    private final ScreenTile screenTile = new ScreenTile();
    private boolean presenting;
    private String presenterId;
    private List<String> inStrip = List.of();
    private final JPanel speakerStage = new JPanel(new BorderLayout(0, GAP));
    private final JPanel speakerLarge = new JPanel(new TileLayout(1, GAP));
    private final JPanel speakerStrip = new JPanel(new TileLayout(SPEAKER_STRIP_TILES, GAP));
    private boolean speakerView;
    private List<String> inSpeakerView = List.of();
    private Component centre = cells;

    VideoGrid() {
        super(new BorderLayout());
        setName("videoGrid");
        setBorder(BorderFactory.createEmptyBorder(GAP, GAP, GAP, GAP));
        cells.setName("gallery");
        cells.setOpaque(false);
        add(cells, BorderLayout.CENTER);
        stage.setName("stage");
        stage.setOpaque(false);
        strip.setName("strip");
        strip.setOpaque(false);
        strip.setPreferredSize(new Dimension(STRIP_WIDTH, 100));
        strip.setLayout(new TileLayout(1, GAP));
        stage.add(screenTile, BorderLayout.CENTER);
        stage.add(strip, BorderLayout.EAST);
        speakerStage.setName("speakerStage");
        speakerStage.setOpaque(false);
        speakerLarge.setName("speaker.large");
        speakerLarge.setOpaque(false);
        speakerStrip.setName("speaker.strip");
        speakerStrip.setOpaque(false);
        speakerStrip.setPreferredSize(new Dimension(100, SPEAKER_STRIP_HEIGHT));
        speakerStage.add(speakerLarge, BorderLayout.CENTER);
        speakerStage.add(speakerStrip, BorderLayout.SOUTH);
        previous.setName("grid.previous");
        next.setName("grid.next");
        pageLabel.setName("grid.page");
        countLabel.setName("grid.count");
        previous.setToolTipText("Previous page");
        next.setToolTipText("Next page");
        previous.addActionListener(e -> turn(-1));
        next.addActionListener(e -> turn(1));
        pager.add(previous);
        pager.add(pageLabel);
        pager.add(next);
        pager.add(countLabel);
        add(pager, BorderLayout.SOUTH);
        cells.addComponentListener(new ComponentAdapter() {
            @Override
            public void componentResized(ComponentEvent e) {
                resized();
            }
        });
    }

    void update(CallSnapshot snapshot) {
        List<ParticipantView> views = snapshot.participants();
        boolean selfMuted = !snapshot.microphone().active();
        List<String> keys = new ArrayList<>(views.size());
        for (ParticipantView v : views) {
            String key = key(v);
            keys.add(key);
            tiles.computeIfAbsent(key, k -> new ParticipantTile(v.self())).update(v, v.self() && selfMuted);
        }
        tiles.keySet().retainAll(keys);
        boolean orderChanged = !keys.equals(order);
        if (orderChanged) {
            order = List.copyOf(keys);
            reshape(page);
        }
        // Your own screen is not shown back to you: the grid stays while you present.
        boolean present = snapshot.screen() != null && !snapshot.screen().self();
        presenterId = present ? snapshot.screen().presenterId() : null;
        if (present) {
            screenTile.update(snapshot.screen());
        }
        presenting = present;
        Component wanted = presenting ? stage : speakerView ? speakerStage : cells;
        if (wanted != centre) {
            remove(centre);
            centre = wanted;
            add(centre, BorderLayout.CENTER);
            shown = List.of();
            inStrip = List.of();
            inSpeakerView = List.of();
            revalidate();
            repaint();
        }
        if (presenting) {
            layoutStrip();
        } else if (speakerView) {
            layoutSpeakerView(snapshot.speakers());
        } else if (orderChanged || shown.isEmpty()) {
            layoutPage();
        }
        updatePager();
    }

    /** Shows the dominant speaker large with the recent speakers below (true), or the paged gallery. */
    void speakerView(boolean on) {
        speakerView = on;
    }

    boolean speakerView() {
        return speakerView;
    }

    /** The grid area changed size: on a large window the pages hold 5x5, else 4x4. */
    private void resized() {
        int side = GridShape.maxSideFor(cells.getWidth(), cells.getHeight(), GAP);
        if (side != maxSide) {
            maxSide = side;
            // The page that holds the first tile shown so far, so the people in view stay in view.
            reshape(-1);
            if (centre == cells) {
                layoutPage();
                updatePager();
            }
        }
    }

    /** A new shape for the room; {@code keepPage} the page to stay on, or -1 for the one showing the first tile shown. */
    private void reshape(int keepPage) {
        int firstShown = shape.first(page);
        shape = GridShape.of(order.size(), maxSide);
        page = keepPage >= 0 ? shape.clamp(keepPage) : shape.pageOf(firstShown);
    }

    private void layoutStrip() {
        List<String> first = order.subList(0, Math.min(STRIP_TILES, order.size()));
        if (first.equals(inStrip)) {
            return;
        }
        inStrip = List.copyOf(first);
        fill(strip, first);
    }

    /**
     * The dominant speaker large (before anyone spoke, the first other participant; alone, you),
     * then the recent speakers, then the others in join order, in the strip.
     */
    private void layoutSpeakerView(List<String> speakers) {
        List<String> others = new ArrayList<>();
        for (String id : speakers) {
            String key = "p:" + id;
            if (tiles.containsKey(key) && !others.contains(key)) {
                others.add(key);
            }
        }
        for (String key : order) {
            if (!key.equals("self") && !others.contains(key)) {
                others.add(key);
            }
        }
        String large = others.isEmpty() ? "self" : others.get(0);
        List<String> small = others.isEmpty() ? List.of()
                : others.subList(1, Math.min(others.size(), 1 + SPEAKER_STRIP_TILES));
        List<String> now = new ArrayList<>();
        now.add(large);
        now.addAll(small);
        if (now.equals(inSpeakerView)) {
            return;
        }
        inSpeakerView = List.copyOf(now);
        fill(speakerLarge, List.of(large));
        fill(speakerStrip, small);
    }

    private void fill(JPanel panel, List<String> keys) {
        panel.removeAll();
        for (String key : keys) {
            panel.add(tiles.get(key));
        }
        panel.revalidate();
        panel.repaint();
    }

    private static String key(ParticipantView v) {
        return v.self() ? "self" : "p:" + v.participantId();
    }

    private void turn(int delta) {
        page = shape.clamp(page + delta);
        layoutPage();
        updatePager();
    }

    private void layoutPage() {
        int first = shape.first(page);
        List<String> onPage = order.subList(first, first + shape.onPage(page));
        if (onPage.equals(shown) && shownColumns == shape.columns()) {
            return;
        }
        shown = List.copyOf(onPage);
        shownColumns = shape.columns();
        cells.setLayout(new TileLayout(shape.columns(), GAP));
        fill(cells, onPage);
    }

    private void updatePager() {
        boolean paged = centre == cells && shape.pages() > 1;
        previous.setVisible(paged);
        next.setVisible(paged);
        pageLabel.setVisible(paged);
        String pageText = "Page " + (page + 1) + " of " + shape.pages();
        if (!pageText.equals(pageLabel.getText())) {
            pageLabel.setText(pageText);
        }
        previous.setEnabled(page > 0);
        next.setEnabled(page < shape.pages() - 1);
        String count = order.size() == 1 ? "1 participant" : order.size() + " participants";
        if (!count.equals(countLabel.getText())) {
            countLabel.setText(count);
        }
    }

    /**
     * The other participants' tiles on the screen with their heights (none until laid out), for
     * the subscription: the page's tiles, the speaker view's large tile and its strip (thumbnails),
     * or the column beside a presented screen.
     */
    List<TileSubscription.ShownTile> shownTiles() {
        List<TileSubscription.ShownTile> out = new ArrayList<>();
        if (centre == speakerStage) {
            add(out, speakerLarge, false);
            add(out, speakerStrip, true);
        } else {
            add(out, centre == stage ? strip : cells, false);
        }
        return out;
    }

    /** Whether every tile shown has been laid out (a subscription from unlaid tiles would ask for the wrong sizes). */
    boolean laidOut() {
        for (ParticipantTile t : visibleTiles()) {
            if (t.getHeight() <= 0) {
                return false;
            }
        }
        return true;
    }

    private static void add(List<TileSubscription.ShownTile> out, Container panel, boolean thumbnail) {
        for (Component c : panel.getComponents()) {
            ParticipantTile t = (ParticipantTile) c;
            if (!t.self()) {
                out.add(new TileSubscription.ShownTile(t.participantId(), t.layers(), t.getHeight(), thumbnail));
            }
        }
    }

    /** The presenter whose screen is shown, or null. */
    String presenterShown() {
        return centre == stage ? presenterId : null;
    }

    /** The tiles on the current page (or the speaker view, or beside the presented screen), in order. */
    List<ParticipantTile> visibleTiles() {
        List<ParticipantTile> out = new ArrayList<>();
        List<Container> panels = centre == speakerStage ? List.of(speakerLarge, speakerStrip)
                : List.of(centre == stage ? strip : cells);
        for (Container panel : panels) {
            for (Component c : panel.getComponents()) {
                out.add((ParticipantTile) c);
            }
        }
        return out;
    }

    /** The presenter's screen while someone else presents, else null. */
    ScreenTile screenTile() {
        return presenting ? screenTile : null;
    }

    /** The speaker view's large tile, or null outside the speaker view. */
    ParticipantTile largeTile() {
        return centre == speakerStage && speakerLarge.getComponentCount() > 0
                ? (ParticipantTile) speakerLarge.getComponent(0) : null;
    }

    int page() {
        return page;
    }

    GridShape shape() {
        return shape;
    }
}
