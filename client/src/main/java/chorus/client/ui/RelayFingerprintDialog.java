package chorus.client.ui;

import chorus.client.tls.KnownRelays;
import chorus.client.tls.RelayTrust;
import java.awt.Font;
import java.lang.reflect.InvocationTargetException;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JTextArea;
import javax.swing.SwingUtilities;

/**
 * Asks the user, the first time the app meets a relay whose certificate nothing vouches for
 * (a LAN relay's self-signed one), whether to trust it: shows the fingerprint to compare with the
 * one the relay printed, as SSH and Mumble do. Trusted, it is pinned in the known-relays file.
 */
final class RelayFingerprintDialog {
    static final String NAME = "relayFingerprintDialog";
    static final String TITLE = "Unknown relay certificate";

    private RelayFingerprintDialog() {
    }

    /** The app's default: the standard known-relays file, this dialog on first contact. */
    static RelayTrust standardTrust() {
        return RelayTrust.defaults().withKnownRelays(KnownRelays.standard()).withFirstContact(RelayFingerprintDialog::ask);
    }

    /** Called on the call's connecting thread; shows the dialog on the Event Dispatch Thread and waits for the answer. */
    static boolean ask(String relay, String fingerprint) {
        if (SwingUtilities.isEventDispatchThread()) {
            return show(relay, fingerprint);
        }
        boolean[] trusted = new boolean[1];
        try {
            SwingUtilities.invokeAndWait(() -> trusted[0] = show(relay, fingerprint));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (InvocationTargetException e) {
            return false;
        }
        return trusted[0];
    }

    private static boolean show(String relay, String fingerprint) {
        JPanel message = new JPanel();
        message.setLayout(new BoxLayout(message, BoxLayout.Y_AXIS));
        message.add(new JLabel("<html>The relay at <b>" + escape(relay) + "</b> presents a certificate that no "
                + "trusted authority vouches for.<br>Compare its fingerprint with the one the relay printed "
                + "when it started (tls=sha256:...):</html>"));
        JTextArea text = new JTextArea(fingerprint.replaceFirst("^(sha256:)(.{32})", "$1$2\n"));
        text.setName("relayFingerprint");
        text.setEditable(false);
        text.setFont(new Font(Font.MONOSPACED, Font.PLAIN, text.getFont().getSize()));
        message.add(text);
        message.add(new JLabel("<html>If they match, the app remembers it and warns you should it ever change.</html>"));
        JButton trust = new JButton("Trust and join");
        trust.setName("trustRelay");
        JButton cancel = new JButton("Cancel");
        cancel.setName("cancelRelay");
        JOptionPane pane = new JOptionPane(message, JOptionPane.WARNING_MESSAGE, JOptionPane.DEFAULT_OPTION, null,
                new Object[] {trust, cancel}, cancel);
        trust.addActionListener(e -> pane.setValue(trust));
        cancel.addActionListener(e -> pane.setValue(cancel));
        JDialog dialog = pane.createDialog(null, TITLE);
        dialog.setName(NAME);
        dialog.setVisible(true); // modal: returns once answered or closed
        dialog.dispose();
        return pane.getValue() == trust;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
