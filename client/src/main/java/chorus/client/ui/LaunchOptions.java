package chorus.client.ui;

import chorus.client.codec.Simulcast;
import chorus.client.codec.VideoEncoding;
import chorus.client.device.FfmpegCamera;
import chorus.client.session.RelayAddress;
import chorus.client.tls.RelayTrust;
import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaHeader;
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
 * @param videoEncoding  how the camera is sent (null: {@link #DEFAULT_VIDEO}, H.264 in three layers)
 * @param audioCodec     what the microphone is sent in, and the mix asked for: {@link Codec#OPUS} (the
 *                       default) or {@link Codec#PCM16} (--audio-codec)
 */
public record LaunchOptions(RelayAddress relay, String name, String room, boolean testCamera, boolean testMicrophone,
                            Dimension windowSize, RelayTrust trust, String token, VideoEncoding videoEncoding,
                            int audioCodec) {
    public static final Dimension DEFAULT_SIZE = new Dimension(1280, 800);

    public static LaunchOptions of(RelayAddress relay, String name, String room) {
        return new LaunchOptions(relay, name, room, false, false, null, null, null, null, Codec.OPUS);
    }

    public LaunchOptions(RelayAddress relay, String name, String room, boolean testCamera, boolean testMicrophone,
                         Dimension windowSize, RelayTrust trust) {
        this(relay, name, room, testCamera, testMicrophone, windowSize, trust, null, null, Codec.OPUS);
    }

    public LaunchOptions(RelayAddress relay, String name, String room, boolean testCamera, boolean testMicrophone,
                         Dimension windowSize, RelayTrust trust, String token, VideoEncoding videoEncoding) {
        this(relay, name, room, testCamera, testMicrophone, windowSize, trust, token, videoEncoding, Codec.OPUS);
    }

    /**
     * The camera in H.264, simulcast in three layers for the camera's 480 lines (180, 360, 480): the
     * relay forwards each receiver the one its tile needs, and the app stops encoding the ones nobody
     * watches.
     */
    public static final VideoEncoding DEFAULT_VIDEO = VideoEncoding.H264.withSimulcast(
            Simulcast.of(MediaHeader.MAX_LAYERS, FfmpegCamera.HEIGHT));

    public LaunchOptions {
        trust = trust == null ? RelayFingerprintDialog.standardTrust() : trust;
        videoEncoding = videoEncoding == null ? DEFAULT_VIDEO : videoEncoding;
    }

    public LaunchOptions withTrust(RelayTrust trust) {
        return new LaunchOptions(relay, name, room, testCamera, testMicrophone, windowSize, trust, token, videoEncoding,
                audioCodec);
    }

    /** Whether the join dialog can be skipped. */
    public boolean complete() {
        return relay != null && name != null && room != null;
    }

    public LaunchOptions withTestSource(boolean camera, boolean microphone) {
        return new LaunchOptions(relay, name, room, camera, microphone, windowSize, trust, token, videoEncoding,
                audioCodec);
    }

    public LaunchOptions withWindowSize(Dimension size) {
        return new LaunchOptions(relay, name, room, testCamera, testMicrophone, size, trust, token, videoEncoding,
                audioCodec);
    }

    public LaunchOptions withJoin(RelayAddress relay, String name, String room) {
        return new LaunchOptions(relay, name, room, testCamera, testMicrophone, windowSize, trust, token, videoEncoding,
                audioCodec);
    }

    /** Where to join with an access token (the token's name is the one shown). */
    public LaunchOptions withJoin(RelayAddress relay, String name, String room, String token) {
        return new LaunchOptions(relay, name, room, testCamera, testMicrophone, windowSize, trust, token, videoEncoding,
                audioCodec);
    }

    public LaunchOptions withAudioCodec(int codec) {
        return new LaunchOptions(relay, name, room, testCamera, testMicrophone, windowSize, trust, token, videoEncoding,
                codec);
    }

    public LaunchOptions withVideoEncoding(VideoEncoding encoding) {
        return new LaunchOptions(relay, name, room, testCamera, testMicrophone, windowSize, trust, token, encoding,
                audioCodec);
    }
}
