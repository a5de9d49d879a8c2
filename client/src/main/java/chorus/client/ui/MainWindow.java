package chorus.client.ui;

import chorus.client.call.Call;
import chorus.client.call.CallSnapshot;
import chorus.client.call.CallState;
import chorus.client.device.DeviceKind;
import chorus.client.device.DeviceUnavailableException;
import chorus.client.device.ScreenCapture;
import chorus.client.device.TestSources;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.swing.BorderFactory;
import javax.swing.JCheckBoxMenuItem;
import javax.swing.JFileChooser;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JTabbedPane;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.WindowConstants;

/**
 * The call window: notices on top, the video grid (or a presented screen beside a column of
 * tiles), a side bar with the people, the chat (an unread badge on its tab while another tab is
 * shown) and the files, the toolbar and the status bar below. A Swing timer reads the call's
 * snapshot 30 times a second and each panel shows its part; the user's intents go to the call,
 * which never blocks. Slow work (finding and opening devices, starting a screen capture) is handed
 * to a worker thread.
 */
final class MainWindow extends JFrame implements CallToolbar.Intents, NoticeBar.Actions, ChatPanel.Intents,
        FilesPanel.Intents {
    static final int REFRESH_MILLIS = 33;

    private final Call call;
    private final AppPreferences prefs;
    private final Executor worker;
    private final Runnable onClosed;
    private final String name;
    private final int fps;
    private final VideoGrid grid = new VideoGrid();
    private final ParticipantList people = new ParticipantList();
    private final ChatPanel chat = new ChatPanel(this);
    private final FilesPanel files = new FilesPanel(this);
    private final JTabbedPane sidebar = new JTabbedPane();
    private final JLabel unread = new JLabel();
    private final StatusBar status = new StatusBar();
    private final NoticeBar notices = new NoticeBar(this);
    private final CallToolbar toolbar = new CallToolbar(this);
    private final JCheckBoxMenuItem darkTheme = new JCheckBoxMenuItem("Dark theme");
    private final Timer refresh = new Timer(REFRESH_MILLIS, e -> refresh());
    private final SubscriptionDebounce subscription;
    // device ids in use (null: the default device); EDT only
    private String cameraId;
    private String microphoneId;
    private String speakerId;
    private boolean leaving;
    private boolean closed;
    private CallSnapshot last;

    MainWindow(Call call, LaunchOptions options, AppPreferences prefs, Executor worker, Runnable onClosed) {
        super("Chorus \u2014 " + call.options().room());
        this.call = call;
        this.prefs = prefs;
        this.worker = worker;
        this.onClosed = onClosed;
        this.name = call.options().name();
        this.fps = call.options().fps();
        this.subscription = new SubscriptionDebounce(call::subscribe);
        setName("mainWindow");
        setDefaultCloseOperation(WindowConstants.DO_NOTHING_ON_CLOSE);
        addWindowListener(new WindowAdapter() {
            @Override
            public void windowClosing(WindowEvent e) {
                leave();
            }
        });
        setJMenuBar(menus());

        JPanel centre = new JPanel(new BorderLayout());
        centre.add(notices, BorderLayout.NORTH);
        centre.add(grid, BorderLayout.CENTER);
        centre.add(sidebar(), BorderLayout.EAST);
        JPanel bottom = new JPanel(new BorderLayout());
        bottom.add(toolbar, BorderLayout.CENTER);
        bottom.add(status, BorderLayout.SOUTH);
        getContentPane().add(centre, BorderLayout.CENTER);
        getContentPane().add(bottom, BorderLayout.SOUTH);
        setMinimumSize(new Dimension(720, 480));
        Dimension wanted = options.windowSize() != null ? options.windowSize() : LaunchOptions.DEFAULT_SIZE;
        Rectangle screen = GraphicsEnvironment.getLocalGraphicsEnvironment().getMaximumWindowBounds();
        setSize(Math.min(wanted.width, screen.width), Math.min(wanted.height, screen.height));
        setLocationRelativeTo(null);

        cameraId = options.testCamera() ? TestSources.ID : prefs.device(AppPreferences.CAMERA);
        microphoneId = options.testMicrophone() ? TestSources.ID : prefs.device(AppPreferences.MICROPHONE);
        speakerId = prefs.device(AppPreferences.SPEAKER);
        // Join with camera and microphone on, as most calls begin; a missing device says so in a notice.
        // The camera first: it is what the user looks for, and the sound system can be slow to answer.
        useCamera(cameraId, true);
        useMicrophone(microphoneId);
        useSpeaker(speakerId);
        refresh();
        refresh.start();
    }

    static final int PEOPLE_TAB = 0;
    static final int CHAT_TAB = 1;
    static final int FILES_TAB = 2;

    /** People, Chat (with its unread badge) and Files, as tabs. */
    private JTabbedPane sidebar() {
        sidebar.setName("sidebar");
        sidebar.setPreferredSize(new Dimension(300, 100));
        sidebar.addTab("People", people);
        sidebar.addTab("Chat", chat);
        sidebar.addTab("Files", files);
        JPanel chatTab = new JPanel(new FlowLayout(FlowLayout.CENTER, 4, 0));
        chatTab.setOpaque(false);
        chatTab.add(new JLabel("Chat"));
        unread.setName("chat.unread");
        unread.setOpaque(true);
        unread.setBackground(new Color(0xc4, 0x2b, 0x1c));
        unread.setForeground(Color.WHITE);
        unread.setBorder(BorderFactory.createEmptyBorder(0, 5, 0, 5));
        unread.setFont(unread.getFont().deriveFont(Font.BOLD, unread.getFont().getSize2D() - 1));
        unread.setVisible(false);
        chatTab.add(unread);
        sidebar.setTabComponentAt(CHAT_TAB, chatTab);
        sidebar.addChangeListener(e -> {
            if (sidebar.getSelectedIndex() == CHAT_TAB) {
                call.markChatRead();
                unread.setVisible(false);
                SwingUtilities.invokeLater(() -> chat.input().requestFocusInWindow());
            }
        });
        return sidebar;
    }

    private JMenuBar menus() {
        JMenuBar bar = new JMenuBar();
        JMenu callMenu = new JMenu("Call");
        JMenuItem settings = new JMenuItem("Settings\u2026");
        settings.setName("menu.settings");
        settings.addActionListener(e -> openSettings());
        JMenuItem leaveItem = new JMenuItem("Leave");
        leaveItem.setName("menu.leave");
        leaveItem.addActionListener(e -> leave());
        callMenu.add(settings);
        callMenu.addSeparator();
        callMenu.add(leaveItem);
        JMenu view = new JMenu("View");
        darkTheme.setName("menu.dark");
        darkTheme.setSelected(prefs.theme() == Theme.DARK);
        darkTheme.addActionListener(e -> switchTheme(darkTheme.isSelected() ? Theme.DARK : Theme.LIGHT));
        view.add(darkTheme);
        bar.add(callMenu);
        bar.add(view);
        return bar;
    }

    /** Shows the call's current state in every panel; on the EDT, from the refresh timer. */
    void refresh() {
        CallSnapshot s = call.snapshot();
        last = s;
        grid.update(s);
        if (s.state() == CallState.JOINED) {
            subscription.shown(grid.laidOut() ? TileSubscription.of(grid.shownTiles(), grid.presenterShown()) : null);
        }
        people.update(s);
        chat.update(s);
        files.update(s);
        boolean chatShown = sidebar.getSelectedIndex() == CHAT_TAB;
        if (chatShown && s.unreadChat() > 0) {
            call.markChatRead();
        }
        int count = chatShown ? 0 : s.unreadChat();
        unread.setVisible(count > 0);
        String badge = count > 99 ? "99+" : Integer.toString(count);
        if (count > 0 && !badge.equals(unread.getText())) {
            unread.setText(badge);
            unread.setToolTipText(count + " unread message" + (count == 1 ? "" : "s"));
        }
        toolbar.update(s);
        status.update(s);
        notices.update(s);
        if (s.state() == CallState.LEFT && !leaving && !closed) {
            // The relay refused the join for good (a bad name or room): say so, then close.
            refresh.stop();
            JOptionPane.showMessageDialog(this, Objects.requireNonNullElse(s.problem(), "The call ended."),
                    "Chorus", JOptionPane.ERROR_MESSAGE);
            closeWindow();
        }
    }

    /** A device problem reported by the call; shown (again) as a notice. On the EDT. */
    void deviceProblem(DeviceKind kind, String message) {
        if (!closed) {
            notices.show(kind, message);
        }
    }

    // ---- intents ----

    @Override
    public void setMuted(boolean muted) {
        call.setMuted(muted);
    }

    @Override
    public void setCameraOn(boolean on) {
        call.setCameraOn(on);
    }

    @Override
    public void shareScreen(boolean share) {
        if (!share) {
            call.stopScreenShare();
            return;
        }
        // Finding the screen and making the capturer can take a moment: not on the EDT.
        worker.execute(() -> {
            try {
                call.startScreenShare(ScreenCapture.defaultScreen());
            } catch (DeviceUnavailableException e) {
                SwingUtilities.invokeLater(() -> notices.showScreenProblem(e.getMessage()));
            }
        });
    }

    @Override
    public void setSpeakerView(boolean on) {
        grid.speakerView(on);
        refresh();
    }

    @Override
    public void sendChat(String text) {
        call.sendChat(text);
    }

    @Override
    public void upload() {
        JFileChooser chooser = new JFileChooser();
        chooser.setName("files.chooser");
        chooser.setDialogTitle("Share a file with the room");
        if (chooser.showOpenDialog(this) == JFileChooser.APPROVE_OPTION && chooser.getSelectedFile() != null) {
            call.upload(chooser.getSelectedFile().toPath());
            sidebar.setSelectedIndex(FILES_TAB);
        }
    }

    @Override
    public void download(String fileId) {
        Path dir = prefs.downloadDirectory();
        worker.execute(() -> {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                // the download says the directory is missing
            }
            call.download(fileId, dir);
        });
    }

    @Override
    public void useTestSource(DeviceKind kind) {
        if (kind == DeviceKind.CAMERA) {
            useCamera(TestSources.ID, true);
        } else if (kind == DeviceKind.MICROPHONE) {
            useMicrophone(TestSources.ID);
            call.setMuted(false);
        }
    }

    @Override
    public void openSettings() {
        SettingsDialog dialog = new SettingsDialog(this,
                new SettingsDialog.Choice(cameraId, microphoneId, speakerId, prefs.theme()), this::applySettings);
        dialog.setVisible(true);
    }

    private void applySettings(SettingsDialog.Choice choice) {
        if (!Objects.equals(choice.camera(), cameraId)) {
            prefs.device(AppPreferences.CAMERA, choice.camera());
            // On if it was on, or if it is off only because the old camera failed: the user wanted it on.
            useCamera(choice.camera(), last != null && (last.camera().active() || last.camera().problem() != null));
        }
        if (!Objects.equals(choice.microphone(), microphoneId)) {
            prefs.device(AppPreferences.MICROPHONE, choice.microphone());
            useMicrophone(choice.microphone());
        }
        if (!Objects.equals(choice.speaker(), speakerId)) {
            prefs.device(AppPreferences.SPEAKER, choice.speaker());
            useSpeaker(choice.speaker());
        }
        if (choice.theme() != prefs.theme()) {
            switchTheme(choice.theme());
        }
    }

    private void useCamera(String id, boolean on) {
        cameraId = id;
        worker.execute(() -> {
            call.useCamera(DeviceSelection.camera(id, name, fps));
            if (on) {
                call.setCameraOn(true);
            }
        });
    }

    private void useMicrophone(String id) {
        microphoneId = id;
        worker.execute(() -> call.useMicrophone(DeviceSelection.microphone(id)));
    }

    private void useSpeaker(String id) {
        speakerId = id;
        worker.execute(() -> call.useSpeaker(DeviceSelection.speaker(id)));
    }

    private void switchTheme(Theme theme) {
        prefs.theme(theme);
        darkTheme.setSelected(theme == Theme.DARK);
        theme.switchTo();
    }

    /** Leaves the call, then closes the window. */
    @Override
    public void leave() {
        if (leaving || closed) {
            return;
        }
        leaving = true;
        call.leave().whenComplete((ok, failure) -> SwingUtilities.invokeLater(this::closeWindow));
    }

    private void closeWindow() {
        if (closed) {
            return;
        }
        closed = true;
        refresh.stop();
        subscription.stop();
        dispose();
        onClosed.run();
    }

    // ---- for tests: the panels as a user sees them ----

    VideoGrid grid() {
        return grid;
    }

    ParticipantList people() {
        return people;
    }

    ChatPanel chat() {
        return chat;
    }

    FilesPanel files() {
        return files;
    }

    JTabbedPane sidebarTabs() {
        return sidebar;
    }

    NoticeBar notices() {
        return notices;
    }

    boolean closed() {
        return closed;
    }
}
