package chorus.relay.config;

import com.typesafe.config.Config;
import java.time.Duration;

/** The control channel: {@code chorus.relay.control}. */
public record ControlConfig(int outboxFrames, Duration helloTimeout) {

    /** @param relay the {@code chorus.relay} section */
    static ControlConfig from(Config relay) {
        Config c = relay.getConfig("control");
        return new ControlConfig(c.getInt("outbox-frames"), c.getDuration("hello-timeout"));
    }
}
