package chorus.client.ui;

import chorus.client.CallSnapshot;
import chorus.client.ParticipantView;
import java.awt.BorderLayout;
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
 */
final class VideoGrid extends JPanel {
    private static final int GAP = 8;

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

    VideoGrid() {
        super(new BorderLayout());
        setName("videoGrid");
        setBorder(BorderFactory.createEmptyBorder(GAP, GAP, GAP, GAP));
        cells.setOpaque(false);
        add(cells, BorderLayout.CENTER);
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
        if (!keys.equals(order)) {
            order = List.copyOf(keys);
            shape = GridShape.of(keys.size());
            page = shape.clamp(page);
            layoutPage();
        }
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

    /** The tiles on the current page, in order. */
    List<ParticipantTile> visibleTiles() {
        List<ParticipantTile> out = new ArrayList<>();
        for (java.awt.Component c : cells.getComponents()) {
            out.add((ParticipantTile) c);
        }
        return out;
    }

    int page() {
        return page;
    }

    GridShape shape() {
        return shape;
    }
}
