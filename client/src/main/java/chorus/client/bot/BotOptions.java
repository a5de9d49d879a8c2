package chorus.client.bot;

import chorus.client.codec.VideoEncoding;
import chorus.client.media.TestScreen;
import chorus.client.session.RelayAddress;
import chorus.client.tls.RelayTrust;
import chorus.protocol.audio.AudioFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link Bot} does. Start from {@link #of} and change what differs:
 * {@code BotOptions.of(relay, "alice", "room").withTone(523).withDuration(Duration.ofSeconds(5))}.
 *
 * @param video       send the moving test pattern
 * @param fps         video frame rate
 * @param toneHz      frequency of the tone sent, or 0 to send no audio
 * @param duration    how long to stay, or null to stay until stopped
 * @param recordAudio where to write the mix heard (48 kHz mono 16-bit WAV), or null
 * @param say         chat messages to send once joined, in order
 * @param shareScreen present a synthetic 1280x720 screen ({@link TestScreen}) at {@link #SCREEN_FPS}
 * @param uploads     files to offer to the room once joined, in order
 * @param downloadAll where to download every file offered in the room (those offered before the
 *                    bot joined included), or null to download nothing
 * @param reconnect   when the connection is lost, come back (through the other nodes of a clustered
 *                    relay first, as the same participant) instead of ending; a relay node that
 *                    drains and asks the bot to {@code move} is followed either way
 * @param trust       TLS and whom to trust as the relay (null: {@link RelayTrust#defaults()})
 * @param token       the access token to join with, or null (a relay in the open mode)
 * @param videoEncoding how the test pattern is sent (null: {@link VideoEncoding#H264}, the default)
 */
public record BotOptions(RelayAddress relay, String name, String room, boolean video, int fps, double toneHz,
                         Duration duration, Path recordAudio, List<String> say, boolean shareScreen,
                         List<Path> uploads, Path downloadAll, boolean reconnect, RelayTrust trust,
                         String token, VideoEncoding videoEncoding) {
    public static final int DEFAULT_FPS = 15;
    public static final double DEFAULT_TONE_HZ = 440;
    /** The synthetic screen's frame rate: slides change slowly. */
    public static final int SCREEN_FPS = 5;

    public BotOptions {
        if (relay == null) {
            throw new IllegalArgumentException("relay address is required");
        }
        if (fps < 1 || fps > 60) {
            throw new IllegalArgumentException("fps " + fps + " is outside 1..60");
        }
        if (toneHz != 0 && !(toneHz > 0 && toneHz < AudioFormat.SAMPLE_RATE / 2.0)) {
            throw new IllegalArgumentException("tone of " + toneHz + " Hz is outside (0, " + AudioFormat.SAMPLE_RATE / 2 + ")");
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("duration must be positive");
        }
        say = say == null ? List.of() : List.copyOf(say);
        uploads = uploads == null ? List.of() : List.copyOf(uploads);
        videoEncoding = videoEncoding == null ? VideoEncoding.H264 : videoEncoding;
    }

    /** Test pattern at 15 fps in H.264, a 440 Hz tone, no time limit, no recording, no chat, no screen, no files. */
    public static BotOptions of(RelayAddress relay, String name, String room) {
        return new BotOptions(relay, name, room, true, DEFAULT_FPS, DEFAULT_TONE_HZ, null, null, List.of(), false,
                List.of(), null, false, null, null, VideoEncoding.H264);
    }

    public static BotOptions of(String host, int port, String name, String room) {
        return of(new RelayAddress(host, port), name, room);
    }

    public boolean silent() {
        return toneHz == 0;
    }

    public BotOptions withVideo(boolean video) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding);
    }

    public BotOptions withFps(int fps) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding);
    }

    public BotOptions withTone(double hz) {
        return new BotOptions(relay, name, room, video, fps, hz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding);
    }

    /** Sends no audio (still hears and records the mix). */
    public BotOptions withSilence() {
        return withTone(0);
    }

    public BotOptions withDuration(Duration duration) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding);
    }

    public BotOptions withRecordAudio(Path file) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, file, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding);
    }

    /** Adds chat messages to send once joined. */
    public BotOptions withSay(String... texts) {
        List<String> all = new ArrayList<>(say);
        all.addAll(List.of(texts));
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, all, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding);
    }

    public BotOptions withShareScreen(boolean share) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, share, uploads,
                downloadAll, reconnect, trust, token, videoEncoding);
    }

    /** Adds files to offer to the room once joined. */
    public BotOptions withUpload(Path... files) {
        List<Path> all = new ArrayList<>(uploads);
        all.addAll(List.of(files));
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, all,
                downloadAll, reconnect, trust, token, videoEncoding);
    }

    public BotOptions withDownloadAll(Path directory) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                directory, reconnect, trust, token, videoEncoding);
    }

    public BotOptions withToken(String token) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding);
    }

    public BotOptions withTrust(RelayTrust trust) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding);
    }

    public BotOptions withVideoEncoding(VideoEncoding encoding) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, encoding);
    }

    public BotOptions withReconnect(boolean reconnect) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding);
    }
}
