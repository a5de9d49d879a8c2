package chorus.relay.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The audio mixer: {@code chorus.relay.mixer}. {@code talkers} is K, the loudest talkers mixed at
 * once; the {@code talker-*} keys are the selection's hysteresis; {@code opus-bitrate} is that of
 * the Opus mixes; {@code dominant-speaker} is how the room's dominant speaker is told.
 */
public record MixerConfig(Duration tick, int jitterTargetFrames, int jitterMaxFrames, int talkers,
                          int talkerSwitchDb, int talkerSwitchTicks, int talkerHangoverTicks, int opusBitrate,
                          DominantSpeakerConfig dominantSpeaker) {
    /** More places than this would only cost an Opus encoder each and help no listener. */
    public static final int MAX_TALKERS = 16;

    /**
     * {@code chorus.relay.mixer.dominant-speaker}: a talker's activity is its mean level above
     * {@code floorDbov} over {@code windowTicks}; a challenger becomes the dominant speaker once it
     * has been {@code switchDb} above the dominant one on {@code switchTicks} of its voiced ticks in
     * a row; the {@code recent} last speakers are kept, dominant first.
     */
    public record DominantSpeakerConfig(int windowTicks, int switchDb, int switchTicks, int floorDbov, int recent) {
        /** The recent speakers go to every member on each change: a short list. */
        public static final int MAX_RECENT = 50;

        public DominantSpeakerConfig {
            String at = "chorus.relay.mixer.dominant-speaker.";
            check(windowTicks >= 1 && windowTicks <= 500, at + "window-ticks must be 1..500, not " + windowTicks);
            check(switchDb >= 1 && switchDb <= 127, at + "switch-db must be 1..127, not " + switchDb);
            check(switchTicks >= 2 && switchTicks <= 500,
                    at + "switch-ticks must be 2..500 (one frame never decides), not " + switchTicks);
            check(floorDbov >= -127 && floorDbov <= -1, at + "floor-dbov must be -127..-1, not " + floorDbov);
            check(recent >= 1 && recent <= MAX_RECENT, at + "recent must be 1.." + MAX_RECENT + ", not " + recent);
        }

        static DominantSpeakerConfig from(Config mixer) {
            Config c = mixer.getConfig("dominant-speaker");
            return new DominantSpeakerConfig(c.getInt("window-ticks"), c.getInt("switch-db"),
                    c.getInt("switch-ticks"), c.getInt("floor-dbov"), c.getInt("recent"));
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    public MixerConfig {
        if (talkers < 1 || talkers > MAX_TALKERS) {
            throw new IllegalArgumentException("chorus.relay.mixer.talkers must be 1.." + MAX_TALKERS + ", not " + talkers);
        }
        if (opusBitrate < 6_000 || opusBitrate > 510_000) {
            throw new IllegalArgumentException("chorus.relay.mixer.opus-bitrate must be 6000..510000, not " + opusBitrate);
        }
    }

    /** @param relay the {@code chorus.relay} section */
    static MixerConfig from(Config relay) {
        Config c = relay.getConfig("mixer");
        return new MixerConfig(
                c.getDuration("tick"),
                c.getInt("jitter-target-frames"),
                c.getInt("jitter-max-frames"),
                c.getInt("talkers"),
                c.getInt("talker-switch-db"),
                c.getInt("talker-switch-ticks"),
                c.getInt("talker-hangover-ticks"),
                c.getInt("opus-bitrate"),
                DominantSpeakerConfig.from(c));
    }
}
