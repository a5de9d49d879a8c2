package chorus.relay.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The audio mixer: {@code chorus.relay.mixer}. {@code talkers} is K, the loudest talkers mixed at
 * once; the {@code talker-*} keys are the selection's hysteresis; {@code opus-bitrate} is that of
 * the Opus mixes.
 */
public record MixerConfig(Duration tick, int jitterTargetFrames, int jitterMaxFrames, int talkers,
                          int talkerSwitchDb, int talkerSwitchTicks, int talkerHangoverTicks, int opusBitrate) {
    /** More places than this would only cost an Opus encoder each and help no listener. */
    public static final int MAX_TALKERS = 16;

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
                c.getInt("opus-bitrate"));
    }
}
