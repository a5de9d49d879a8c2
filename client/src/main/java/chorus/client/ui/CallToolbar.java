package chorus.client.ui;

import chorus.client.call.CallSnapshot;
import chorus.client.call.CallState;
import com.formdev.flatlaf.FlatClientProperties;
import com.formdev.flatlaf.FlatLaf;
import java.awt.FlowLayout;
import javax.swing.JButton;
import javax.swing.JPanel;

/**
 * The call's controls: microphone, camera, screen sharing, gallery or speaker view, settings, leave. Each button sends an
 * intent to the call; its text follows the call's state as the snapshot reports it, so a press on a
 * missing device shows the truth (still off) and the button stays usable for another try.
 */
final class CallToolbar extends JPanel {
    /** What the buttons ask for; implemented by the main window (which passes it on to the call). */
    interface Intents {
        void setMuted(boolean muted);

        void setCameraOn(boolean on);

        /** Start (true) or stop (false) presenting the screen. */
        void shareScreen(boolean share);

        /** Show the speaker view (true: the dominant speaker large) or the paged gallery. */
        void setSpeakerView(boolean on);

        void openSettings();

        void leave();
    }

    private final JButton microphone = new JButton();
    private final JButton camera = new JButton();
    private final JButton share = new JButton("Share screen");
    private final JButton view = new JButton("Speaker view");
    private final JButton settings = new JButton("Settings");
    private final JButton leave = new JButton("Leave");
    private boolean micOn;
    private boolean cameraOn;
    private boolean sharing;
    private boolean speakerView;

    CallToolbar(Intents intents) {
        super(new FlowLayout(FlowLayout.CENTER, 10, 8));
        setName("toolbar");
        microphone.setName("mute");
        camera.setName("camera");
        share.setName("share");
        view.setName("view");
        settings.setName("settings");
        leave.setName("leave");
        for (JButton b : new JButton[] {microphone, camera, share, view, settings, leave}) {
            b.putClientProperty(FlatClientProperties.STYLE, "arc: 999; margin: 6,16,6,16; font: +1");
            b.setFocusable(false);
            add(b);
        }
        leave.putClientProperty(FlatClientProperties.STYLE,
                "arc: 999; margin: 6,16,6,16; font: +1 bold; background: #c42b1c; foreground: #ffffff; "
                        + "hoverBackground: #a72216; pressedBackground: #8e1c12; borderColor: #c42b1c");
        share.addActionListener(e -> intents.shareScreen(!sharing));
        microphone.addActionListener(e -> intents.setMuted(micOn));
        camera.addActionListener(e -> intents.setCameraOn(!cameraOn));
        view.addActionListener(e -> {
            speakerView = !speakerView;
            setText(view, speakerView ? "Gallery view" : "Speaker view",
                    speakerView ? "Show everyone, a page at a time" : "Show who speaks large, the recent speakers below");
            intents.setSpeakerView(speakerView);
        });
        settings.addActionListener(e -> intents.openSettings());
        leave.addActionListener(e -> {
            leave.setEnabled(false);
            intents.leave();
        });
        show(false, false);
        setText(share, "Share screen", "Present your screen to everyone in the room");
        view.setToolTipText("Show who speaks large, the recent speakers below");
    }

    void update(CallSnapshot snapshot) {
        show(snapshot.microphone().active(), snapshot.camera().active());
        sharing = snapshot.screenShareWanted() || snapshot.presenting();
        setText(share, sharing ? "Stop sharing" : "Share screen",
                sharing ? "Stop presenting your screen" : "Present your screen to everyone in the room");
        share.putClientProperty(FlatClientProperties.STYLE, sharing
                ? "arc: 999; margin: 6,16,6,16; font: +1 bold; background: #0f6cbd; foreground: #ffffff"
                : "arc: 999; margin: 6,16,6,16; font: +1");
        if (snapshot.state() == CallState.LEFT) {
            microphone.setEnabled(false);
            camera.setEnabled(false);
            share.setEnabled(false);
            leave.setEnabled(false);
        }
    }

    private void show(boolean mic, boolean cam) {
        micOn = mic;
        cameraOn = cam;
        setText(microphone, mic ? "Mute" : "Unmute", mic ? "Stop sending your microphone" : "Send your microphone");
        setText(camera, cam ? "Stop video" : "Start video", cam ? "Stop your camera" : "Start your camera");
        // Off states stand out, so a muted microphone is never a surprise.
        String offStyle = FlatLaf.isLafDark()
                ? "arc: 999; margin: 6,16,6,16; font: +1; background: #5a2a2d; foreground: #ffc9cc"
                : "arc: 999; margin: 6,16,6,16; font: +1; background: #fde7e9; foreground: #a4262c";
        String onStyle = "arc: 999; margin: 6,16,6,16; font: +1";
        microphone.putClientProperty(FlatClientProperties.STYLE, mic ? onStyle : offStyle);
        camera.putClientProperty(FlatClientProperties.STYLE, cam ? onStyle : offStyle);
    }

    private static void setText(JButton button, String text, String tip) {
        if (!text.equals(button.getText())) {
            button.setText(text);
            button.setToolTipText(tip);
        }
    }
}
