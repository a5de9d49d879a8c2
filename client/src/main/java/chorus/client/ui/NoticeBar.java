package chorus.client.ui;

import chorus.client.call.CallSnapshot;
import chorus.client.device.DeviceKind;
import chorus.client.device.DeviceState;
import com.formdev.flatlaf.FlatClientProperties;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.FlowLayout;
import java.util.EnumMap;
import java.util.Map;
import javax.swing.BorderFactory;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;

/**
 * Problems, one line each above the video. A device's: what is wrong, and a button that uses the
 * synthetic source instead or opens the settings; it goes away when the problem is solved or is
 * dismissed, and comes back each time the device fails again. The screen share's ("Ada is
 * presenting"): shown when the share is refused, gone when it is dismissed or the share is asked
 * for again.
 */
final class NoticeBar extends JPanel {
    private static final Color BACKGROUND = new Color(0xff, 0xf4, 0xce);
    private static final Color FOREGROUND = new Color(0x5c, 0x3c, 0x00);

    /** What a notice's buttons do. */
    interface Actions {
        /** Use the test pattern (camera) or test tone (microphone) instead of the device. */
        void useTestSource(DeviceKind kind);

        void openSettings();
    }

    private final Actions actions;
    private final Map<DeviceKind, Notice> notices = new EnumMap<>(DeviceKind.class);
    /** The screen share's notice, made on first use. */
    private Notice screen;
    private String lastScreenProblem;
    private Notice subscription;
    private String lastSubscriptionProblem;

    NoticeBar(Actions actions) {
        this.actions = actions;
        setName("notices");
        setLayout(new BoxLayout(this, BoxLayout.Y_AXIS));
        setOpaque(false);
    }

    /** Shows (or shows again) the problem of a device. */
    void show(DeviceKind kind, String message) {
        Notice notice = notices.get(kind);
        if (notice == null) {
            notice = new Notice(kind, kind.noun());
            notices.put(kind, notice);
            add(notice);
        }
        notice.message.setText(message);
        notice.message.setToolTipText(message);
        notice.setVisible(true);
        revalidate();
        repaint();
    }

    /** Removes the notices of devices that work now; shows a refused screen share and a refused subscription once. */
    void update(CallSnapshot snapshot) {
        clearIfFine(DeviceKind.CAMERA, snapshot.camera());
        clearIfFine(DeviceKind.MICROPHONE, snapshot.microphone());
        clearIfFine(DeviceKind.SPEAKER, snapshot.speaker());
        showSubscriptionProblem(snapshot.subscriptionProblem());
        String problem = snapshot.screenProblem();
        if (problem != null && !problem.equals(lastScreenProblem)) {
            showScreenProblem(problem);
        } else if (problem == null && lastScreenProblem != null && screen != null && snapshot.screenShareWanted()) {
            screen.setVisible(false); // asked again: the old refusal no longer applies
            revalidate();
        }
        lastScreenProblem = problem;
    }

    /** Shows the relay's answer to a subscription it refused or capped, once per answer. */
    private void showSubscriptionProblem(String problem) {
        if (problem != null && !problem.equals(lastSubscriptionProblem)) {
            if (subscription == null) {
                subscription = new Notice(null, "video");
                add(subscription);
            }
            subscription.message.setText(problem);
            subscription.message.setToolTipText(problem);
            subscription.setVisible(true);
            revalidate();
            repaint();
        }
        lastSubscriptionProblem = problem;
    }

    /** The subscription's notice as shown, or null. */
    String subscriptionMessage() {
        return subscription == null || !subscription.isVisible() ? null : subscription.message.getText();
    }

    /** Shows why the screen cannot be shared: the relay's refusal, or a capture that failed. */
    void showScreenProblem(String message) {
        if (screen == null) {
            screen = new Notice(null, "screen");
            add(screen);
        }
        screen.message.setText(message);
        screen.message.setToolTipText(message);
        screen.setVisible(true);
        revalidate();
        repaint();
    }

    /** The screen share's notice as shown, or null. */
    String screenMessage() {
        return screen == null || !screen.isVisible() ? null : screen.message.getText();
    }

    private void clearIfFine(DeviceKind kind, DeviceState state) {
        Notice notice = notices.get(kind);
        if (notice != null && notice.isVisible() && state.problem() == null) {
            notice.setVisible(false);
            revalidate();
        }
    }

    /** The message shown for a device, or null when none is. */
    String message(DeviceKind kind) {
        Notice notice = notices.get(kind);
        return notice == null || !notice.isVisible() ? null : notice.message.getText();
    }

    private final class Notice extends JPanel {
        final JLabel message = new JLabel();

        /** A device's notice, or with a null kind another one ({@code id} "screen", "video"). */
        Notice(DeviceKind kind, String id) {
            super(new BorderLayout(8, 0));
            setName("notice." + id);
            message.setName("notice." + id + ".message");
            setBackground(BACKGROUND);
            setBorder(BorderFactory.createCompoundBorder(
                    BorderFactory.createMatteBorder(0, 0, 1, 0, new Color(0xe8, 0xd5, 0x9b)),
                    BorderFactory.createEmptyBorder(4, 12, 4, 6)));
            message.setForeground(FOREGROUND);
            add(message, BorderLayout.CENTER);
            JPanel buttons = new JPanel(new FlowLayout(FlowLayout.RIGHT, 6, 0));
            buttons.setOpaque(false);
            if (kind != null && kind != DeviceKind.SPEAKER) {
                JButton test = new JButton(kind == DeviceKind.CAMERA ? "Use test pattern" : "Use test tone");
                test.setName("notice." + id + ".test");
                test.addActionListener(e -> actions.useTestSource(kind));
                buttons.add(test);
            }
            if (kind != null) {
                JButton settings = new JButton("Settings\u2026");
                settings.setName("notice." + id + ".settings");
                settings.addActionListener(e -> actions.openSettings());
                buttons.add(settings);
            }
            JButton close = new JButton("\u2715");
            close.setName("notice." + id + ".close");
            close.setToolTipText("Dismiss");
            close.putClientProperty(FlatClientProperties.BUTTON_TYPE, FlatClientProperties.BUTTON_TYPE_TOOLBAR_BUTTON);
            close.addActionListener(e -> {
                setVisible(false);
                NoticeBar.this.revalidate();
            });
            buttons.add(close);
            add(buttons, BorderLayout.EAST);
        }
    }
}
