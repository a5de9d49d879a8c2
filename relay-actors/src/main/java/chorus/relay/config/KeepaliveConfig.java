package chorus.relay.config;

import com.typesafe.config.Config;
import java.time.Duration;

/** How often the relay pings each client, and how long it waits for an answer: {@code chorus.relay.keepalive}. */
public record KeepaliveConfig(Duration pingInterval, Duration timeout) {

    /** @param relay the {@code chorus.relay} section */
    static KeepaliveConfig from(Config relay) {
        Config c = relay.getConfig("keepalive");
        return new KeepaliveConfig(c.getDuration("ping-interval"), c.getDuration("timeout"));
    }
}
