package chorus.client.ui;

import chorus.client.call.CallSnapshot;
import chorus.client.call.ParticipantView;
import java.awt.BorderLayout;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;

/**
 * The call's video: one {@link ParticipantTile} per participant, you first, in a grid that grows
 * 1x1, 2x2, 3x3, 4x4 with the room and then pages ({@link GridShape}), laid out by {@link TileLayout}.
 * While someone else presents, their screen is the large tile ({@link ScreenTile}) and the first
 * {@link #STRIP_TILES} participants sit in a column beside it.
 */
final class VideoGrid extends JPanel {
    private static final int GAP = 8;
    /** Tiles beside a presented screen. */
    static final int STRIP_TILES = 4;
    private static final int STRIP_WIDTH = 240;

    private final JPanel cells = new JPanel();
    private final JPanel pager = new JPanel(new FlowLayout(FlowLayout.CENTER, 8, 2));
    private final JButton previous = new JButton("\u25C0");
    private final JButton next = new JButton("\u25B6");
    private final JLabel pageLabel = new JLabel();
    private final Map<String, ParticipantTile> tiles = new HashMap<>();
    private List<String> shown = List.of();
    private int shownColumns;
    private GridShape shape = GridShape.of(1);
    private int page;
    private List<String> order = List.of();
    private final JPanel stage = new JPanel(new BorderLayout(GAP, 0));
    private final JPanel strip = new JPanel();
    private final ScreenTile screenTile = new ScreenTile();
    private boolean presenting;
    private List<String> inStrip = List.of();

    VideoGrid() {
        super(new BorderLayout());
        setName("videoGrid");
        setBorder(BorderFactory.createEmptyBorder(GAP, GAP, GAP, GAP));
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
        previous.setName("grid.previous");
        next.setName("grid.next");
        pageLabel.setName("grid.page");
        previous.addActionListener(e -> turn(-1));
        next.addActionListener(e -> turn(1));
        pager.add(previous);
        pager.add(pageLabel);
        pager.add(next);
        pager.setVisible(false);
        add(pager, BorderLayout.SOUTH);
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
            shape = GridShape.of(keys.size());
            page = shape.clamp(page);
        }
        // Your own screen is not shown back to you: the grid stays while you present.
        boolean present = snapshot.screen() != null && !snapshot.screen().self();
        if (present) {
            screenTile.update(snapshot.screen());
        }
        if (present != presenting) {
            presenting = present;
            remove(present ? cells : stage);
            add(present ? stage : cells, BorderLayout.CENTER);
            shown = List.of();
            inStrip = List.of();
            revalidate();
            repaint();
        }
        if (presenting) {
            layoutStrip();
            pager.setVisible(false);
        } else if (orderChanged || shown.isEmpty()) {
            layoutPage();
        }
    }

    private void layoutStrip() {
        List<String> first = order.subList(0, Math.min(STRIP_TILES, order.size()));
        if (first.equals(inStrip)) {
            return;
        }
        inStrip = List.copyOf(first);
        strip.removeAll();
        for (String key : first) {
            strip.add(tiles.get(key));
        }
        strip.revalidate();
        strip.repaint();
    }

    private static String key(ParticipantView v) {
        return v.self() ? "self" : "p:" + v.participantId();
    }

    private void turn(int delta) {
        page = shape.clamp(page + delta);
        layoutPage();
    }

    private void layoutPage() {
        int first = shape.first(page);
        List<String> onPage = order.subList(first, first + shape.onPage(page));
        if (onPage.equals(shown) && shownColumns == shape.columns()) {
            return;
        }
        shown = List.copyOf(onPage);
        shownColumns = shape.columns();
        cells.removeAll();
        cells.setLayout(new TileLayout(shape.columns(), GAP));
        for (String key : onPage) {
            cells.add(tiles.get(key));
        }
        pager.setVisible(shape.pages() > 1);
        pageLabel.setText("Page " + (page + 1) + " of " + shape.pages());
        previous.setEnabled(page > 0);
        next.setEnabled(page < shape.pages() - 1);
        cells.revalidate();
        cells.repaint();
    }

    /** The tiles on the current page (or beside the presented screen), in order. */
    List<ParticipantTile> visibleTiles() {
        List<ParticipantTile> out = new ArrayList<>();
        for (Component c : (presenting ? strip : cells).getComponents()) {
            out.add((ParticipantTile) c);
        }
        return out;
    }

    /** The presenter's screen while someone else presents, else null. */
    ScreenTile screenTile() {
        return presenting ? screenTile : null;
    }

    int page() {
        return page;
    }

    GridShape shape() {
        return shape;
    }
}
