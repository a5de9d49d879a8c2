package chorus.client.ui;

import chorus.client.call.CallSnapshot;
import chorus.client.call.ParticipantView;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.util.ArrayList;
import java.util.List;
import javax.swing.BorderFactory;
import javax.swing.DefaultListCellRenderer;
import javax.swing.DefaultListModel;
import javax.swing.Icon;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JScrollPane;

/** Who is in the room: you first, then everyone else in the order they joined. */
final class ParticipantList extends JPanel {
    private static final String YOU = " (you)";
    private final JLabel title = new JLabel();
    private final DefaultListModel<String> model = new DefaultListModel<>();
    private final JList<String> list = new JList<>(model);
    private List<String> shown = List.of();

    ParticipantList() {
        super(new BorderLayout());
        setName("participants");
        setPreferredSize(new Dimension(220, 100));
        setBorder(BorderFactory.createEmptyBorder(8, 0, 8, 8));
        title.setName("participants.title");
        title.setFont(title.getFont().deriveFont(Font.BOLD));
        title.setBorder(BorderFactory.createEmptyBorder(4, 6, 8, 6));
        list.setName("participants.list");
        list.setFocusable(false);
        list.setCellRenderer(new Renderer());
        add(title, BorderLayout.NORTH);
        JScrollPane scroll = new JScrollPane(list);
        scroll.setBorder(BorderFactory.createEmptyBorder());
        add(scroll, BorderLayout.CENTER);
        title.setText("People");
    }

    void update(CallSnapshot snapshot) {
        List<String> names = new ArrayList<>();
        for (ParticipantView p : snapshot.participants()) {
            names.add(p.self() ? p.name() + YOU : p.name());
        }
        if (!names.equals(shown)) {
            shown = names;
            model.clear();
            names.forEach(model::addElement);
            title.setText("People (" + names.size() + ")");
        }
    }

    /** The entries as shown. */
    List<String> entries() {
        return shown;
    }

    /** A name beside a small round avatar with its initial. */
    private static final class Renderer extends DefaultListCellRenderer {
        @Override
        public Component getListCellRendererComponent(JList<?> list, Object value, int index, boolean selected, boolean focus) {
            JLabel label = (JLabel) super.getListCellRendererComponent(list, value, index, false, false);
            String name = String.valueOf(value);
            String plain = name.endsWith(YOU) ? name.substring(0, name.length() - YOU.length()) : name;
            label.setIcon(new Avatar(ParticipantTile.initials(plain), ParticipantTile.avatarColour(plain)));
            label.setIconTextGap(8);
            label.setBorder(BorderFactory.createEmptyBorder(4, 6, 4, 6));
            return label;
        }
    }

    private record Avatar(String initials, Color colour) implements Icon {
        @Override
        public void paintIcon(Component c, Graphics graphics, int x, int y) {
            Graphics2D g = (Graphics2D) graphics.create();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(colour);
            g.fillOval(x, y, 24, 24);
            g.setColor(Color.WHITE);
            g.setFont(c.getFont().deriveFont(Font.BOLD, 10f));
            var fm = g.getFontMetrics();
            g.drawString(initials, x + (24 - fm.stringWidth(initials)) / 2, y + (24 - fm.getHeight()) / 2 + fm.getAscent());
            g.dispose();
        }

        @Override
        public int getIconWidth() {
            return 24;
        }

        @Override
        public int getIconHeight() {
            return 24;
        }
    }
}
