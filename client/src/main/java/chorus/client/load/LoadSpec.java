package chorus.client.load;

import chorus.client.media.TestPattern;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * The load one run offers: {@code rooms} rooms of {@code participants} each, every participant
 * sending video frames of {@code frameBytes} at {@code videoFps} (and, with {@code audio}, a PCM16
 * frame every 20 ms), warmed up for {@code warmUp} and then measured for {@code duration}.
 */
record LoadSpec(int rooms, int participants, int videoFps, int frameBytes, boolean audio,
                       Duration warmUp, Duration duration) {
    /** Largest frame accepted: the relay's receivers reassemble video frames of up to 8 MiB. */
    public static final int MAX_FRAME_BYTES = 8 << 20;
    public static final int MAX_FPS = 240;

    /** @throws IllegalArgumentException with a message fit for a usage error */
    public LoadSpec {
        if (rooms < 1) {
            throw new IllegalArgumentException("--rooms must be at least 1, was " + rooms);
        }
        if (participants < 2) {
            throw new IllegalArgumentException("--participants must be at least 2 (nobody receives their own video), was "
                    + participants);
        }
        if (videoFps < 1 || videoFps > MAX_FPS) {
            throw new IllegalArgumentException("--video-fps must be 1.." + MAX_FPS + ", was " + videoFps);
        }
        if (frameBytes > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("--frame-bytes must be at most " + MAX_FRAME_BYTES + ", was " + frameBytes);
        }
        String problem = ProbeFrameWriter.problem(frameBytes);
        if (problem != null) {
            throw new IllegalArgumentException("--frame-bytes: " + problem);
        }
        if (warmUp == null || warmUp.isNegative()) {
            throw new IllegalArgumentException("--warmup must not be negative");
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be a positive number of seconds");
        }
    }

    public LoadSpec withParticipants(int n) {
        return new LoadSpec(rooms, n, videoFps, frameBytes, audio, warmUp, duration);
    }

    public int totalParticipants() {
        return rooms * participants;
    }

    /** The size of one 640x480 test-pattern frame as JPEG: what a bot with {@code --video-codec jpeg} sends. */
    public static int testPatternFrameBytes() {
        try {
            return new TestPattern("Chorus", 30).jpeg(0).length;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the test pattern", e);
        }
    }
}
