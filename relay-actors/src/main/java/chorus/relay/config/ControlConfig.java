package chorus.relay.config;

import com.typesafe.config.Config;

/** The control channel: {@code chorus.relay.control}. */
public record ControlConfig(int outboxFrames) {

    /** @param relay the {@code chorus.relay} section */
    static ControlConfig from(Config relay) {
        Config c = relay.getConfig("control");
        return new ControlConfig(c.getInt("outbox-frames"));
    }
}
