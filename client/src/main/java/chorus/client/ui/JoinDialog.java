package chorus.client.ui;

import chorus.client.session.JoinLink;
import chorus.client.session.RelayAddress;
import chorus.client.session.TokenPeek;
import chorus.protocol.control.Names;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Frame;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JTextField;
import javax.swing.KeyStroke;
import javax.swing.SwingConstants;

/**
 * Asks where to join: name, server and room, prefilled with what was joined last time (or given on
 * the command line), and the access token or join link the relay's organiser sent (a link fills
 * the server and room; a token names the participant). Checks them the way the relay will, so a
 * typo is caught before connecting.
 */
final class JoinDialog extends JDialog {
    static final String DEFAULT_SERVER = "127.0.0.1:5005";
    static final String DEFAULT_ROOM = "lobby";

    private final JTextField name = new JTextField(22);
    private final JTextField server = new JTextField(22);
    private final JTextField room = new JTextField(22);
    /** An access token or a join link, pasted; empty for a relay in the open mode. Not remembered. */
    private final JTextField token = new JTextField(22);
    private final JLabel error = new JLabel(" ");
    private final AppPreferences prefs;
    private final LaunchOptions given;
    private LaunchOptions result;

    JoinDialog(Frame owner, LaunchOptions given, AppPreferences prefs) {
        super(owner, "Join a Chorus call", true);
        this.prefs = prefs;
        this.given = given;
        setName("joinDialog");
        name.setName("join.name");
        server.setName("join.server");
        room.setName("join.room");
        token.setName("join.token");
        token.setToolTipText("Paste the join link (chorus://...) or the access token you were sent; "
                + "leave empty for a relay in the open mode");
        if (given.token() != null) {
            token.setText(given.token());
        }
        error.setName("join.error");
        name.setText(given.name() != null ? given.name() : prefs.name(defaultName()));
        server.setText(given.relay() != null ? given.relay().toString() : prefs.server(DEFAULT_SERVER));
        room.setText(given.room() != null ? given.room() : prefs.room(DEFAULT_ROOM));

        JPanel form = new JPanel(new GridBagLayout());
        form.setBorder(BorderFactory.createEmptyBorder(16, 20, 8, 20));
        JLabel heading = new JLabel("Join a call");
        heading.setFont(heading.getFont().deriveFont(heading.getFont().getSize2D() + 6f));
        GridBagConstraints c = new GridBagConstraints();
        c.gridx = 0;
        c.gridy = 0;
        c.gridwidth = 2;
        c.anchor = GridBagConstraints.WEST;
        c.insets = new Insets(0, 0, 12, 0);
        form.add(heading, c);
        row(form, 1, "Your name", name);
        row(form, 2, "Server", server);
        row(form, 3, "Room", room);
        row(form, 4, "Token or link", token);
        error.setForeground(new Color(0xc4, 0x2b, 0x1c));
        c.gridy = 5;
        c.insets = new Insets(8, 0, 0, 0);
        form.add(error, c);

        JButton join = new JButton("Join");
        JButton cancel = new JButton("Cancel");
        join.setName("join.ok");
        cancel.setName("join.cancel");
        join.addActionListener(e -> join());
        cancel.addActionListener(e -> dispose());
        JPanel buttons = new JPanel();
        buttons.setBorder(BorderFactory.createEmptyBorder(0, 20, 12, 20));
        buttons.add(join);
        buttons.add(cancel);
        getRootPane().setDefaultButton(join);
        getRootPane().registerKeyboardAction(e -> dispose(), KeyStroke.getKeyStroke("ESCAPE"),
                JComponent.WHEN_IN_FOCUSED_WINDOW);

        getContentPane().add(form, BorderLayout.CENTER);
        getContentPane().add(buttons, BorderLayout.SOUTH);
        pack();
        setResizable(false);
        setLocationRelativeTo(owner);
    }

    private static void row(JPanel form, int y, String text, JTextField field) {
        GridBagConstraints c = new GridBagConstraints();
        c.gridy = y;
        c.anchor = GridBagConstraints.WEST;
        c.insets = new Insets(4, 0, 4, 12);
        JLabel label = new JLabel(text, SwingConstants.LEFT);
        label.setLabelFor(field);
        form.add(label, c);
        c.gridx = 1;
        c.insets = new Insets(4, 0, 4, 0);
        c.fill = GridBagConstraints.HORIZONTAL;
        form.add(field, c);
    }

    /** The OS user's name with a capital, a reasonable first guess. */
    static String defaultName() {
        String user = System.getProperty("user.name", "");
        if (user.isBlank()) {
            return "Guest";
        }
        return Character.toUpperCase(user.charAt(0)) + user.substring(1);
    }

    private void join() {
        String problem = null;
        String jwt = token.getText().strip();
        if (JoinLink.isLink(jwt)) {
            try {
                JoinLink link = JoinLink.parse(jwt);
                server.setText(link.relay().toString());
                room.setText(link.room());
                jwt = link.token();
            } catch (IllegalArgumentException e) {
                problem = "Link: " + e.getMessage();
            }
        }
        if (problem == null && !jwt.isEmpty()) {
            try {
                name.setText(TokenPeek.of(jwt).name()); // the relay shows the token's name
            } catch (IllegalArgumentException e) {
                problem = "Token: " + e.getMessage();
            }
        }
        String n = name.getText();
        String r = room.getText().trim();
        if (problem == null) {
            problem = Names.problem("Name", n);
        }
        if (problem == null) {
            problem = Names.problem("Room", r);
        }
        RelayAddress relay = null;
        if (problem == null) {
            try {
                relay = RelayAddress.parse(server.getText());
            } catch (IllegalArgumentException e) {
                problem = "Server: " + e.getMessage();
            }
        }
        if (problem != null) {
            error.setText(problem);
            pack();
            return;
        }
        prefs.rememberJoin(n, relay.toString(), r);
        result = given.withJoin(relay, n, r, jwt.isEmpty() ? null : jwt);
        dispose();
    }

    /** Shows the dialog (modal) and returns what to join, or null when cancelled. On the EDT. */
    static LaunchOptions ask(LaunchOptions given, AppPreferences prefs) {
        JoinDialog dialog = new JoinDialog(null, given, prefs);
        dialog.setVisible(true);
        return dialog.result;
    }
}
