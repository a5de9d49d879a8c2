package chorus.client.ui;

import chorus.client.codec.VideoEncoding;
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
 * @param token          the access token to join with, or null (a relay in the open mode); with one, the
 *                       relay names the participant by the token
 * @param videoEncoding  how the camera is sent (null: {@link VideoEncoding#H264}, the default)
 */
public record LaunchOptions(RelayAddress relay, String name, String room, boolean testCamera, boolean testMicrophone,
                            Dimension windowSize, RelayTrust trust, String token, VideoEncoding videoEncoding) {
    public static final Dimension DEFAULT_SIZE = new Dimension(1280, 800);

    public static LaunchOptions of(RelayAddress relay, String name, String room) {
        return new LaunchOptions(relay, name, room, false, false, null, null, null, null);
    }

    public LaunchOptions(RelayAddress relay, String name, String room, boolean testCamera, boolean testMicrophone,
                         Dimension windowSize, RelayTrust trust) {
        this(relay, name, room, testCamera, testMicrophone, windowSize, trust, null, null);
    }

    public LaunchOptions {
        trust = trust == null ? RelayFingerprintDialog.standardTrust() : trust;
        videoEncoding = videoEncoding == null ? VideoEncoding.H264 : videoEncoding;
    }

    public LaunchOptions withTrust(RelayTrust trust) {
        return new LaunchOptions(relay, name, room, testCamera, testMicrophone, windowSize, trust, token, videoEncoding);
    }

    /** Whether the join dialog can be skipped. */
    public boolean complete() {
        return relay != null && name != null && room != null;
    }

    public LaunchOptions withTestSource(boolean camera, boolean microphone) {
        return new LaunchOptions(relay, name, room, camera, microphone, windowSize, trust, token, videoEncoding);
    }

    public LaunchOptions withWindowSize(Dimension size) {
        return new LaunchOptions(relay, name, room, testCamera, testMicrophone, size, trust, token, videoEncoding);
    }

    public LaunchOptions withJoin(RelayAddress relay, String name, String room) {
        return new LaunchOptions(relay, name, room, testCamera, testMicrophone, windowSize, trust, token, videoEncoding);
    }

    /** Where to join with an access token (the token's name is the one shown). */
    public LaunchOptions withJoin(RelayAddress relay, String name, String room, String token) {
        return new LaunchOptions(relay, name, room, testCamera, testMicrophone, windowSize, trust, token, videoEncoding);
    }

    public LaunchOptions withVideoEncoding(VideoEncoding encoding) {
        return new LaunchOptions(relay, name, room, testCamera, testMicrophone, windowSize, trust, token, encoding);
    }
}
