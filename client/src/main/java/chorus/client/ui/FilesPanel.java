package chorus.client.ui;

import chorus.client.call.CallSnapshot;
import chorus.client.call.CallState;
import chorus.client.call.FileView;
import chorus.client.call.TransferState;
import chorus.client.call.UploadView;
import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Font;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.swing.BorderFactory;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import javax.swing.JScrollPane;
import javax.swing.SwingConstants;
import javax.swing.UIManager;

/**
 * The room's files: an Upload button, this participant's uploads with their progress, and every
 * file offered to the room (before joining, too) with its name, size and uploader, a Download
 * button and the download's progress, then where it was saved or why it failed.
 */
final class FilesPanel extends JPanel {
    /** What the panel asks for; implemented by the main window. */
    interface Intents {
        /** Choose a file and offer it to the room. */
        void upload();

        void download(String fileId);
    }

    private final Intents intents;
    private final JButton upload = new JButton("Upload\u2026");
    private final WrappingColumn rows = new WrappingColumn();
    private final JLabel empty = new JLabel("No files shared yet", SwingConstants.CENTER);
    private final Map<String, Row> byKey = new LinkedHashMap<>();
    private List<String> shown = List.of();

    FilesPanel(Intents intents) {
        super(new BorderLayout(0, 8));
        this.intents = intents;
        setName("files");
        setBorder(BorderFactory.createEmptyBorder(8, 8, 8, 8));
        upload.setName("files.upload");
        upload.setToolTipText("Offer a file to everyone in the room");
        upload.addActionListener(e -> intents.upload());
        JPanel top = new JPanel(new FlowLayout(FlowLayout.LEFT, 0, 0));
        top.setOpaque(false);
        top.add(upload);
        add(top, BorderLayout.NORTH);
        rows.setLayout(new BoxLayout(rows, BoxLayout.Y_AXIS));
        rows.setName("files.list");
        empty.setForeground(UIManager.getColor("Label.disabledForeground"));
        empty.setAlignmentX(LEFT_ALIGNMENT);
        rows.add(empty);
        JScrollPane scroll = new JScrollPane(rows);
        scroll.setBorder(BorderFactory.createEmptyBorder());
        scroll.getVerticalScrollBar().setUnitIncrement(16);
        add(scroll, BorderLayout.CENTER);
    }

    void update(CallSnapshot snapshot) {
        upload.setEnabled(snapshot.state() == CallState.JOINED);
        List<String> order = new ArrayList<>();
        // Uploads under way (or failed) first; one that is done shows as its offer below.
        for (UploadView u : snapshot.uploads()) {
            if (u.state() == TransferState.DONE && u.fileId() != null && snapshot.file(u.fileId()) != null) {
                continue;
            }
            String key = "upload:" + u.id();
            order.add(key);
            row(key).showUpload(u);
        }
        for (FileView f : snapshot.files()) {
            String key = "file:" + f.fileId();
            order.add(key);
            row(key).showFile(f, snapshot.state() == CallState.JOINED);
        }
        byKey.keySet().retainAll(order);
        if (!order.equals(shown)) {
            shown = List.copyOf(order);
            rows.removeAll();
            for (String key : order) {
                rows.add(byKey.get(key));
            }
            if (order.isEmpty()) {
                rows.add(empty);
            }
            rows.revalidate();
            rows.repaint();
        }
    }

    private Row row(String key) {
        return byKey.computeIfAbsent(key, Row::new);
    }

    /** The row of an offered file ({@code file:ID}) or an upload ({@code upload:N}), or null. */
    JPanel row(String kind, Object id) {
        return byKey.get(kind + ":" + id);
    }

    /** "1.5 MB", "820 kB", "12 bytes". */
    static String bytes(long bytes) {
        if (bytes < 1000) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        if (bytes < 1_000_000) {
            return String.format(Locale.ROOT, "%.0f kB", bytes / 1e3);
        }
        if (bytes < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }

    /** One file: name, what it is, a progress bar while it moves, and its button. */
    private final class Row extends JPanel {
        final JLabel name = new JLabel();
        final JLabel detail = new JLabel();
        final JProgressBar progress = new JProgressBar(0, 1000);
        final JButton download = new JButton("Download");
        private String fileId;

        Row(String key) {
            super(new BorderLayout(8, 2));
            setName(key);
            setOpaque(false);
            setAlignmentX(LEFT_ALIGNMENT);
            setBorder(BorderFactory.createCompoundBorder(
                    BorderFactory.createMatteBorder(0, 0, 1, 0, UIManager.getColor("Component.borderColor")),
                    BorderFactory.createEmptyBorder(6, 2, 8, 2)));
            boolean isUpload = key.startsWith("upload:");
            String prefix = isUpload ? "upload" : "file";
            name.setName(prefix + ".name");
            name.setFont(name.getFont().deriveFont(Font.BOLD));
            detail.setName(prefix + ".status");
            progress.setName(prefix + ".progress");
            progress.setStringPainted(true);
            progress.setPreferredSize(new Dimension(100, 14));
            download.setName("file.download");
            download.setToolTipText("Download into your downloads folder; checked against its SHA-256");
            download.addActionListener(e -> {
                if (fileId != null) {
                    intents.download(fileId);
                }
            });
            JPanel text = new JPanel(new BorderLayout(0, 2));
            text.setOpaque(false);
            text.add(name, BorderLayout.NORTH);
            text.add(detail, BorderLayout.CENTER);
            text.add(progress, BorderLayout.SOUTH);
            add(text, BorderLayout.CENTER);
            if (!isUpload) {
                JPanel button = new JPanel(new FlowLayout(FlowLayout.RIGHT, 0, 0));
                button.setOpaque(false);
                button.add(download);
                add(button, BorderLayout.EAST);
            }
        }

        void showUpload(UploadView u) {
            setText(name, u.name());
            String status = switch (u.state()) {
                case NOT_STARTED, RUNNING -> "Uploading \u00b7 " + bytes(u.size());
                case DONE -> "Offered to the room \u00b7 " + bytes(u.size());
                case FAILED -> "Not offered: " + u.problem();
            };
            setText(detail, status);
            detail.setForeground(u.state() == TransferState.FAILED ? StatusBar.ENDED : UIManager.getColor("Label.foreground"));
            progress.setVisible(u.state() != TransferState.FAILED);
            progress.setValue((int) Math.round(u.progress() * 1000));
            progress.setString(Math.round(u.progress() * 100) + "%");
        }

        void showFile(FileView f, boolean joined) {
            fileId = f.fileId();
            setText(name, f.name());
            String about = bytes(f.size()) + " \u00b7 from " + (f.mine() ? "you" : f.uploaderName());
            String status = switch (f.download()) {
                case NOT_STARTED -> about;
                case RUNNING -> "Downloading \u00b7 " + about;
                case DONE -> "Saved to " + f.savedTo();
                case FAILED -> "Download failed: " + f.problem();
            };
            setText(detail, status);
            detail.setToolTipText(status);
            detail.setForeground(f.download() == TransferState.FAILED ? StatusBar.ENDED : UIManager.getColor("Label.foreground"));
            boolean moving = f.download() == TransferState.RUNNING || f.download() == TransferState.DONE;
            progress.setVisible(moving);
            progress.setValue((int) Math.round(f.progress() * 1000));
            progress.setString(Math.round(f.progress() * 100) + "%");
            download.setEnabled(joined && f.download() != TransferState.RUNNING);
            setText(download, f.download() == TransferState.DONE ? "Download again"
                    : f.download() == TransferState.FAILED ? "Retry" : "Download");
        }

        @Override
        public Dimension getMaximumSize() {
            return new Dimension(Integer.MAX_VALUE, getPreferredSize().height);
        }
    }

    private static void setText(JLabel label, String text) {
        if (!text.equals(label.getText())) {
            label.setText(text);
        }
    }

    private static void setText(JButton button, String text) {
        if (!text.equals(button.getText())) {
            button.setText(text);
        }
    }

}
