package chorus.client;

import chorus.protocol.audio.AudioFormat;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a {@link Bot} does. Start from {@link #of} and change what differs:
 * {@code BotOptions.of(relay, "alice", "room").withTone(523).withDuration(Duration.ofSeconds(5))}.
 *
 * @param video       send the moving test pattern
 * @param fps         video frame rate
 * @param toneHz      frequency of the tone sent, or 0 to send no audio
 * @param duration    how long to stay, or null to stay until stopped
 * @param recordAudio where to write the mix heard (48 kHz mono 16-bit WAV), or null
 */
public record BotOptions(RelayAddress relay, String name, String room, boolean video, int fps, double toneHz,
                         Duration duration, Path recordAudio) {
    public static final int DEFAULT_FPS = 15;
    public static final double DEFAULT_TONE_HZ = 440;

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
    }

    /** Test pattern at 15 fps, a 440 Hz tone, no time limit, no recording. */
    public static BotOptions of(RelayAddress relay, String name, String room) {
        return new BotOptions(relay, name, room, true, DEFAULT_FPS, DEFAULT_TONE_HZ, null, null);
    }

    public static BotOptions of(String host, int port, String name, String room) {
        return of(new RelayAddress(host, port), name, room);
    }

    public boolean silent() {
        return toneHz == 0;
    }

    public BotOptions withVideo(boolean video) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio);
    }

    public BotOptions withFps(int fps) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio);
    }

    public BotOptions withTone(double hz) {
        return new BotOptions(relay, name, room, video, fps, hz, duration, recordAudio);
    }

    /** Sends no audio (still hears and records the mix). */
    public BotOptions withSilence() {
        return withTone(0);
    }

    public BotOptions withDuration(Duration duration) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio);
    }

    public BotOptions withRecordAudio(Path file) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, file);
    }
}
