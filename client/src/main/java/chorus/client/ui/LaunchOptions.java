package chorus.client.ui;

import chorus.client.session.RelayAddress;
import chorus.client.tls.RelayTrust;
import java.awt.Dimension;

/**
 * How the desktop app starts: where to join (null fields are asked in the join dialog), and
 * whether the synthetic test pattern and tone replace the camera and microphone.
 *
 * @param testCamera     send the test pattern instead of a camera (--test-source, or no camera)
 * @param testMicrophone send the test tone instead of a microphone (--test-source, or no microphone)
 * @param windowSize     the main window's size, or null for the default
 * @param trust          TLS and whom to trust as the relay (null: a pinned or CA-valid certificate, else
 *                       the user is asked on first contact, {@link RelayFingerprintDialog})
 */
public record LaunchOptions(RelayAddress relay, String name, String room, boolean testCamera, boolean testMicrophone,
                            Dimension windowSize, RelayTrust trust) {
    public static final Dimension DEFAULT_SIZE = new Dimension(1280, 800);

    public static LaunchOptions of(RelayAddress relay, String name, String room) {
        return new LaunchOptions(relay, name, room, false, false, null, null);
    }

    public LaunchOptions {
        trust = trust == null ? RelayFingerprintDialog.standardTrust() : trust;
    }

    public LaunchOptions withTrust(RelayTrust trust) {
        return new LaunchOptions(relay, name, room, testCamera, testMicrophone, windowSize, trust);
    }

    /** Whether the join dialog can be skipped. */
    public boolean complete() {
        return relay != null && name != null && room != null;
    }

    public LaunchOptions withTestSource(boolean camera, boolean microphone) {
        return new LaunchOptions(relay, name, room, camera, microphone, windowSize, trust);
    }

    public LaunchOptions withWindowSize(Dimension size) {
        return new LaunchOptions(relay, name, room, testCamera, testMicrophone, size, trust);
    }

    public LaunchOptions withJoin(RelayAddress relay, String name, String room) {
        return new LaunchOptions(relay, name, room, testCamera, testMicrophone, windowSize, trust);
    }
}
