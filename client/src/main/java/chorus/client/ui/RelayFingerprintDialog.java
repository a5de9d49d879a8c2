package chorus.client.ui;

import chorus.client.tls.KnownRelays;
import chorus.client.tls.RelayTrust;
import java.awt.Font;
import java.lang.reflect.InvocationTargetException;
import javax.swing.BoxLayout;
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
    static final String TITLE = "Unknown relay certificate";
    static final String TRUST = "Trust and join";
    static final String CANCEL = "Cancel";

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
        text.setEditable(false);
        text.setFont(new Font(Font.MONOSPACED, Font.PLAIN, text.getFont().getSize()));
        message.add(text);
        message.add(new JLabel("<html>If they match, the app remembers it and warns you should it ever change.</html>"));
        int choice = JOptionPane.showOptionDialog(null, message, TITLE, JOptionPane.DEFAULT_OPTION,
                JOptionPane.WARNING_MESSAGE, null, new Object[] {TRUST, CANCEL}, CANCEL);
        return choice == 0;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
