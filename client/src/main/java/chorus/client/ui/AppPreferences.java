package chorus.client.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * What the desktop app remembers between runs (java.util.prefs): the last name, server and room
 * joined, the theme, the chosen devices by id, and where downloads go. Reads and writes are quick
 * and local.
 */
public final class AppPreferences {
    static final String NAME = "name";
    static final String SERVER = "server";
    static final String ROOM = "room";
    static final String THEME = "theme";
    static final String CAMERA = "camera";
    static final String MICROPHONE = "microphone";
    static final String SPEAKER = "speaker";
    static final String DOWNLOADS = "downloads";

    private final Preferences node;

    public AppPreferences(Preferences node) {
        this.node = node;
    }

    /** The current user's preferences for the desktop app. */
    public static AppPreferences user() {
        return new AppPreferences(Preferences.userRoot().node("chorus/desktop"));
    }

    public Preferences node() {
        return node;
    }

    public String name(String fallback) {
        return node.get(NAME, fallback);
    }

    public String server(String fallback) {
        return node.get(SERVER, fallback);
    }

    public String room(String fallback) {
        return node.get(ROOM, fallback);
    }

    /** Remembers what was joined, for the next join dialog. */
    public void rememberJoin(String name, String server, String room) {
        node.put(NAME, name);
        node.put(SERVER, server);
        node.put(ROOM, room);
        flush();
    }

    public Theme theme() {
        return Theme.parse(node.get(THEME, Theme.LIGHT.name()));
    }

    public void theme(Theme theme) {
        node.put(THEME, theme.name());
        flush();
    }

    /** The id of the chosen device of a kind, or null when none was chosen (use the default). */
    public String device(String kind) {
        return node.get(kind, null);
    }

    public void device(String kind, String id) {
        if (id == null) {
            node.remove(kind);
        } else {
            node.put(kind, id);
        }
        flush();
    }

    /** Where downloaded files go: the one chosen, else ~/Downloads when it exists, else the home directory. */
    public Path downloadDirectory() {
        String chosen = node.get(DOWNLOADS, null);
        if (chosen != null) {
            return Path.of(chosen);
        }
        Path home = Path.of(System.getProperty("user.home"));
        Path downloads = home.resolve("Downloads");
        return Files.isDirectory(downloads) ? downloads : home;
    }

    public void downloadDirectory(Path directory) {
        node.put(DOWNLOADS, directory.toAbsolutePath().toString());
        flush();
    }

    private void flush() {
        try {
            node.flush();
        } catch (BackingStoreException | IllegalStateException e) {
            // kept in memory for this run; nothing the user can do about an unwritable home directory
        }
    }
}
