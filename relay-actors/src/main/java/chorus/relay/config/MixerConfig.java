package chorus.relay.config;

import com.typesafe.config.Config;
import java.time.Duration;

/** The audio mixer: {@code chorus.relay.mixer}. */
public record MixerConfig(Duration tick, int jitterTargetFrames, int jitterMaxFrames) {

    /** @param relay the {@code chorus.relay} section */
    static MixerConfig from(Config relay) {
        Config c = relay.getConfig("mixer");
        return new MixerConfig(
                c.getDuration("tick"),
                c.getInt("jitter-target-frames"),
                c.getInt("jitter-max-frames"));
    }
}
