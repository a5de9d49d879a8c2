package chorus.client.ui;

import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.Frame;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import javax.swing.BorderFactory;
import javax.swing.Box;
import javax.swing.ButtonGroup;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JRadioButton;
import javax.swing.KeyStroke;
import javax.swing.SwingWorker;

/**
 * Camera, microphone, speaker and theme. The devices are listed in the background (the sound system
 * can be slow to answer); the dialog opens at once with "Looking for devices…".
 */
final class SettingsDialog extends JDialog {
    /** What was chosen: device ids (as remembered in preferences) and the theme. */
    record Choice(String camera, String microphone, String speaker, Theme theme) {
    }

    private final JComboBox<DeviceSelection.Option> camera = new JComboBox<>();
    private final JComboBox<DeviceSelection.Option> microphone = new JComboBox<>();
    private final JComboBox<DeviceSelection.Option> speaker = new JComboBox<>();
    private final JRadioButton light = new JRadioButton("Light");
    private final JRadioButton dark = new JRadioButton("Dark");
    private final JButton ok = new JButton("OK");

    /**
     * @param current the ids in use now (null entries: the default device)
     * @param onOk    receives the choice when OK is pressed, on the EDT
     */
    SettingsDialog(Frame owner, Choice current, Consumer<Choice> onOk) {
        super(owner, "Settings", true);
        setName("settingsDialog");
        camera.setName("settings.camera");
        microphone.setName("settings.microphone");
        speaker.setName("settings.speaker");
        light.setName("settings.light");
        dark.setName("settings.dark");
        ok.setName("settings.ok");
        for (JComboBox<DeviceSelection.Option> box : List.of(camera, microphone, speaker)) {
            box.addItem(new DeviceSelection.Option(null, "Looking for devices\u2026"));
            box.setEnabled(false);
        }
        ButtonGroup themes = new ButtonGroup();
        themes.add(light);
        themes.add(dark);
        (current.theme() == Theme.DARK ? dark : light).setSelected(true);

        JPanel form = new JPanel(new GridBagLayout());
        form.setBorder(BorderFactory.createEmptyBorder(16, 20, 8, 20));
        row(form, 0, "Camera", camera);
        row(form, 1, "Microphone", microphone);
        row(form, 2, "Speaker", speaker);
        JPanel themeRow = new JPanel(new FlowLayout(FlowLayout.LEFT, 0, 0));
        themeRow.add(light);
        themeRow.add(Box.createHorizontalStrut(12));
        themeRow.add(dark);
        row(form, 3, "Theme", themeRow);

        JButton cancel = new JButton("Cancel");
        cancel.setName("settings.cancel");
        ok.setEnabled(false);
        ok.addActionListener(e -> {
            onOk.accept(new Choice(id(camera), id(microphone), id(speaker), dark.isSelected() ? Theme.DARK : Theme.LIGHT));
            dispose();
        });
        cancel.addActionListener(e -> dispose());
        JPanel buttons = new JPanel();
        buttons.setBorder(BorderFactory.createEmptyBorder(0, 20, 12, 20));
        buttons.add(ok);
        buttons.add(cancel);
        getRootPane().setDefaultButton(ok);
        getRootPane().registerKeyboardAction(e -> dispose(), KeyStroke.getKeyStroke("ESCAPE"),
                JComponent.WHEN_IN_FOCUSED_WINDOW);
        getContentPane().add(form, BorderLayout.CENTER);
        getContentPane().add(buttons, BorderLayout.SOUTH);
        setSize(520, 280);
        setLocationRelativeTo(owner);
        list(current);
    }

    private static String id(JComboBox<DeviceSelection.Option> box) {
        DeviceSelection.Option o = (DeviceSelection.Option) box.getSelectedItem();
        return o == null ? null : o.id();
    }

    private static void row(JPanel form, int y, String text, JComponent field) {
        GridBagConstraints c = new GridBagConstraints();
        c.gridy = y;
        c.anchor = GridBagConstraints.WEST;
        c.insets = new Insets(6, 0, 6, 12);
        form.add(new JLabel(text), c);
        c.gridx = 1;
        c.weightx = 1;
        c.insets = new Insets(6, 0, 6, 0);
        c.fill = GridBagConstraints.HORIZONTAL;
        form.add(field, c);
    }

    /** Lists the devices off the EDT, then fills the boxes, selecting what is in use. */
    private void list(Choice current) {
        new SwingWorker<List<List<DeviceSelection.Option>>, Void>() {
            @Override
            protected List<List<DeviceSelection.Option>> doInBackground() {
                return List.of(DeviceSelection.cameras(), DeviceSelection.microphones(), DeviceSelection.speakers());
            }

            @Override
            protected void done() {
                try {
                    List<List<DeviceSelection.Option>> lists = get();
                    fill(camera, lists.get(0), current.camera());
                    fill(microphone, lists.get(1), current.microphone());
                    fill(speaker, lists.get(2), current.speaker());
                } catch (InterruptedException | ExecutionException e) {
                    for (JComboBox<DeviceSelection.Option> box : List.of(camera, microphone, speaker)) {
                        box.removeAllItems();
                        box.addItem(new DeviceSelection.Option(null, "Devices could not be listed"));
                    }
                }
                ok.setEnabled(true);
            }
        }.execute();
    }

    private static void fill(JComboBox<DeviceSelection.Option> box, List<DeviceSelection.Option> options, String selected) {
        box.removeAllItems();
        for (DeviceSelection.Option o : options) {
            box.addItem(o);
        }
        for (DeviceSelection.Option o : options) {
            if (o.id() != null && o.id().equals(selected)) {
                box.setSelectedItem(o);
            }
        }
        box.setEnabled(true);
    }
}
