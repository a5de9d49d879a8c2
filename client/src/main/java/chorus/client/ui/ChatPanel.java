package chorus.client.ui;

import chorus.client.call.CallSnapshot;
import chorus.client.call.CallState;
import chorus.client.call.ChatLine;
import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Rectangle;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javax.swing.BorderFactory;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollBar;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.SwingConstants;
import javax.swing.SwingUtilities;
import javax.swing.UIManager;

/**
 * The room's chat: every message with its sender ("You" for yours) and time, oldest at the top, in
 * the room's order; a line to type in, sent with Enter or the Send button; and, when the relay
 * refused the last message, why.
 */
final class ChatPanel extends JPanel {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

    /** What the panel asks for; implemented by the main window (which passes it on to the call). */
    interface Intents {
        void sendChat(String text);
    }

    private final Intents intents;
    private final WrappingColumn messages = new WrappingColumn();
    private final JScrollPane scroll = new JScrollPane(messages);
    private final JTextField input = new JTextField();
    private final JButton send = new JButton("Send");
    private final JLabel problem = new JLabel();
    private final JLabel empty = new JLabel("No messages yet", SwingConstants.CENTER);
    private final List<String> shownKeys = new ArrayList<>();
    private final List<String> entries = new ArrayList<>();
    private final ZoneId zone = ZoneId.systemDefault();

    ChatPanel(Intents intents) {
        super(new BorderLayout(0, 6));
        this.intents = intents;
        setName("chat");
        setBorder(BorderFactory.createEmptyBorder(8, 8, 8, 8));
        messages.setName("chat.messages");
        messages.setLayout(new BoxLayout(messages, BoxLayout.Y_AXIS));
        empty.setName("chat.empty");
        empty.setAlignmentX(LEFT_ALIGNMENT);
        empty.setForeground(UIManager.getColor("Label.disabledForeground"));
        messages.add(empty);
        scroll.setBorder(BorderFactory.createEmptyBorder());
        scroll.getVerticalScrollBar().setUnitIncrement(16);
        add(scroll, BorderLayout.CENTER);

        input.setName("chat.input");
        input.putClientProperty("JTextField.placeholderText", "Message everyone");
        send.setName("chat.send");
        input.addActionListener(e -> submit());
        send.addActionListener(e -> submit());
        problem.setName("chat.problem");
        problem.setForeground(StatusBar.ENDED);
        problem.setVisible(false);
        JPanel line = new JPanel(new BorderLayout(6, 0));
        line.setOpaque(false);
        line.add(input, BorderLayout.CENTER);
        line.add(send, BorderLayout.EAST);
        JPanel bottom = new JPanel(new BorderLayout(0, 4));
        bottom.setOpaque(false);
        bottom.add(problem, BorderLayout.NORTH);
        bottom.add(line, BorderLayout.CENTER);
        add(bottom, BorderLayout.SOUTH);
    }

    private void submit() {
        String text = input.getText();
        if (text.isBlank()) {
            return;
        }
        intents.sendChat(text);
        input.setText("");
    }

    /** Adds the messages that arrived since the last update (or shows them all again if the list changed). */
    void update(CallSnapshot snapshot) {
        List<ChatLine> chat = snapshot.chat();
        boolean sameStart = chat.size() >= shownKeys.size();
        for (int i = 0; sameStart && i < shownKeys.size(); i++) {
            sameStart = shownKeys.get(i).equals(key(chat.get(i)));
        }
        if (!sameStart) {
            messages.removeAll();
            shownKeys.clear();
            entries.clear();
        }
        if (chat.size() > shownKeys.size()) {
            JScrollBar bar = scroll.getVerticalScrollBar();
            boolean atBottom = bar.getValue() + bar.getVisibleAmount() >= bar.getMaximum() - 24;
            messages.remove(empty);
            for (ChatLine line : chat.subList(shownKeys.size(), chat.size())) {
                messages.add(new Message(line));
                shownKeys.add(key(line));
                entries.add((line.self() ? "You" : line.from()) + ": " + line.text());
            }
            messages.revalidate();
            messages.repaint();
            if (atBottom || chat.get(chat.size() - 1).self()) {
                // Follow the conversation, unless the person scrolled up to read.
                SwingUtilities.invokeLater(() -> messages.scrollRectToVisible(
                        new Rectangle(0, messages.getHeight() - 1, 1, 1)));
            }
        } else if (chat.isEmpty() && empty.getParent() == null) {
            messages.add(empty);
            messages.revalidate();
        }
        String why = snapshot.chatProblem();
        problem.setVisible(why != null);
        if (why != null && !why.equals(problem.getText())) {
            problem.setText(why);
            problem.setToolTipText(why);
        }
        boolean joined = snapshot.state() == CallState.JOINED;
        input.setEnabled(snapshot.state() != CallState.LEFT);
        send.setEnabled(joined);
    }

    private static String key(ChatLine line) {
        return line.id() + "/" + line.serverTime() + "/" + line.participantId();
    }

    /** The messages as shown, "Name: text" ("You: text" for yours), oldest first. */
    List<String> entries() {
        return List.copyOf(entries);
    }

    JTextField input() {
        return input;
    }

    /** One message: who and when above, the text wrapped below. */
    private final class Message extends JPanel {
        Message(ChatLine line) {
            super(new BorderLayout(0, 2));
            setOpaque(false);
            setAlignmentX(LEFT_ALIGNMENT);
            setBorder(BorderFactory.createEmptyBorder(4, 0, 6, 0));
            JLabel who = new JLabel((line.self() ? "You" : line.from()) + "   "
                    + TIME.format(Instant.ofEpochMilli(line.serverTime()).atZone(zone)));
            who.setName("chat.from");
            who.setFont(who.getFont().deriveFont(Font.BOLD));
            JTextArea text = new JTextArea(line.text());
            text.setName("chat.text");
            text.setEditable(false);
            text.setLineWrap(true);
            text.setWrapStyleWord(true);
            text.setOpaque(false);
            text.setBorder(BorderFactory.createEmptyBorder());
            text.setFont(UIManager.getFont("Label.font"));
            add(who, BorderLayout.NORTH);
            add(text, BorderLayout.CENTER);
        }

        @Override
        public Dimension getMaximumSize() {
            return new Dimension(Integer.MAX_VALUE, getPreferredSize().height);
        }
    }

}
