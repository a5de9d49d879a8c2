package chorus.relay.config;

import com.typesafe.config.Config;
import java.time.Duration;

/** The graceful drain on SIGTERM: {@code chorus.relay.drain}. */
public record DrainConfig(Duration timeout) {

    /** @param relay the {@code chorus.relay} section */
    static DrainConfig from(Config relay) {
        Config c = relay.getConfig("drain");
        return new DrainConfig(c.getDuration("timeout"));
    }
}
