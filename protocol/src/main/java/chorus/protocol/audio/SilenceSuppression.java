package chorus.protocol.audio;

/**
 * Decides, frame by frame from the sender's own audio level byte ({@link AudioLevel}), which
 * frames an Opus sender puts on the wire: every frame while it has voice and for a hangover of
 * {@link #HANGOVER_FRAMES} after (so word endings are not clipped), then one frame every
 * {@link #KEEPALIVE_FRAMES} (400 ms) that keeps its address and its level known to the relay.
 * A silent participant costs the relay 2.5 datagrams a second instead of 50. Not thread-safe.
 */
public final class SilenceSuppression {
    /** 200 ms of frames without voice still sent after the last voiced one. */
    public static final int HANGOVER_FRAMES = 10;
    /** While silent, one frame in this many (400 ms) is sent. */
    public static final int KEEPALIVE_FRAMES = 20;

    private long quietFrames = HANGOVER_FRAMES;

    /** Whether the frame with this level byte is sent. */
    public boolean send(int levelByte) {
        if (AudioLevel.voice(levelByte)) {
            quietFrames = 0;
            return true;
        }
        quietFrames++;
        return quietFrames <= HANGOVER_FRAMES || (quietFrames - HANGOVER_FRAMES) % KEEPALIVE_FRAMES == 1;
    }
}
