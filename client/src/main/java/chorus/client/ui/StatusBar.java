package chorus.client.ui;

import chorus.client.call.CallSnapshot;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.util.Locale;
import javax.swing.BorderFactory;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import javax.swing.UIManager;

/**
 * The connection at a glance: state (with "Reconnecting…" when the relay is lost), round-trip time,
 * packet loss, and the bitrates sent and received.
 */
final class StatusBar extends JPanel {
    static final Color CONNECTED = new Color(0x2e, 0xa0, 0x43);
    static final Color WAITING = new Color(0xd9, 0x8e, 0x04);
    static final Color ENDED = new Color(0xa4, 0x26, 0x2c);

    private final JLabel state = new JLabel();
    private final JLabel detail = new JLabel();
    private final JLabel rtt = new JLabel();
    private final JLabel loss = new JLabel();
    private final JLabel bitrates = new JLabel();
    private final JProgressBar output = new JProgressBar(0, 100);

    StatusBar() {
        super(new BorderLayout());
        setName("status");
        state.setName("status.state");
        detail.setName("status.detail");
        rtt.setName("status.rtt");
        loss.setName("status.loss");
        bitrates.setName("status.bitrates");
        output.setName("status.output");
        JPanel left = new JPanel(new FlowLayout(FlowLayout.LEFT, 8, 0));
        left.setOpaque(false);
        left.add(state);
        left.add(detail);
        JPanel right = new JPanel(new FlowLayout(FlowLayout.RIGHT, 14, 0));
        right.setOpaque(false);
        output.setPreferredSize(new Dimension(70, 8));
        output.setToolTipText("Level of the call's sound you are hearing");
        rtt.setToolTipText("Round-trip time to the relay over the control connection");
        loss.setToolTipText("Video packets from the others that did not reach you, over the last two seconds");
        bitrates.setToolTipText("Video and audio sent (\u2191) and received (\u2193) over the last second");
        JLabel hearing = new JLabel("Hearing");
        hearing.setForeground(UIManager.getColor("Label.disabledForeground"));
        right.add(hearing);
        right.add(output);
        right.add(rtt);
        right.add(loss);
        right.add(bitrates);
        add(left, BorderLayout.WEST);
        add(right, BorderLayout.EAST);
    }

    @Override
    public void updateUI() {
        super.updateUI(); // also on a theme switch: the line above takes the new theme's colour
        setBorder(BorderFactory.createCompoundBorder(
                BorderFactory.createMatteBorder(1, 0, 0, 0, UIManager.getColor("Component.borderColor")),
                BorderFactory.createEmptyBorder(4, 10, 4, 10)));
    }

    void update(CallSnapshot s) {
        String where = "room " + s.room() + " on " + s.relay();
        switch (s.state()) {
            case CONNECTING -> set("\u25CF Connecting\u2026", WAITING, s.problem() == null ? where : s.problem());
            case JOINED -> set("\u25CF Connected", CONNECTED, where);
            case RECONNECTING -> set("\u25CF Reconnecting\u2026", WAITING, s.problem());
            case LEFT -> set("\u25CF Left the call", ENDED, s.problem() == null ? "" : s.problem());
        }
        setIfChanged(rtt, s.rttMillis() < 0 ? "RTT \u2013" : String.format(Locale.ROOT, "RTT %.0f ms", s.rttMillis()));
        setIfChanged(loss, s.packetLoss() < 0 ? "Loss \u2013"
                : String.format(Locale.ROOT, "Loss %.1f%%", s.packetLoss() * 100));
        setIfChanged(bitrates, "\u2191 " + kbps(s.sentKbps()) + "  \u2193 " + kbps(s.receivedKbps()));
        output.setValue((int) Math.round(Math.min(1, s.outputLevel() * 4) * 100)); // a tone at 1/4 scale fills it
    }

    static String kbps(double kbps) {
        return kbps < 0 ? "\u2013 kbit/s" : String.format(Locale.ROOT, "%.0f kbit/s", kbps);
    }

    private void set(String text, Color colour, String more) {
        setIfChanged(state, text);
        state.setForeground(colour);
        setIfChanged(detail, more == null ? "" : more);
    }

    private static void setIfChanged(JLabel label, String text) {
        if (!text.equals(label.getText())) {
            label.setText(text);
        }
    }
}
