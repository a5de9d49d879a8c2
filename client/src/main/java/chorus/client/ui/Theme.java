package chorus.client.ui;

import com.formdev.flatlaf.FlatDarkLaf;
import com.formdev.flatlaf.FlatLaf;
import com.formdev.flatlaf.FlatLightLaf;
import javax.swing.UIManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The app's look: FlatLaf light or dark, falling back to the platform's look if FlatLaf cannot start. */
public enum Theme {
    LIGHT,
    DARK;

    private static final Logger log = LoggerFactory.getLogger(Theme.class);

    static Theme parse(String text) {
        return "DARK".equalsIgnoreCase(text) ? DARK : LIGHT;
    }

    /** Installs the look and feel; on the EDT, before any window is made. */
    void install() {
        try {
            boolean ok = this == DARK ? FlatDarkLaf.setup() : FlatLightLaf.setup();
            if (!ok) {
                throw new IllegalStateException("FlatLaf setup returned false");
            }
            UIManager.put("Component.focusWidth", 1);
            UIManager.put("Button.arc", 10);
            UIManager.put("Component.arc", 8);
        } catch (RuntimeException | LinkageError e) {
            log.warn("FlatLaf unavailable, using the platform look: {}", e.toString());
            try {
                UIManager.setLookAndFeel(UIManager.getSystemLookAndFeelClassName());
            } catch (Exception ignored) {
                // Swing's default look it is
            }
        }
    }

    /** Switches every open window to this theme; on the EDT. */
    void switchTo() {
        install();
        FlatLaf.updateUI();
    }

    boolean dark() {
        return this == DARK;
    }
}
