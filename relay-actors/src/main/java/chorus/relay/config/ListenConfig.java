package chorus.relay.config;

import com.typesafe.config.Config;

/** Where the relay listens and what it tells clients: {@code chorus.relay} host and ports. */
public record ListenConfig(
        String host,
        String advertisedHost,
        int controlPort,
        int videoPort,
        int audioPort) {

    /** @param relay the {@code chorus.relay} section */
    static ListenConfig from(Config relay) {
        Config c = relay;
        return new ListenConfig(
                c.getString("host"),
                c.getString("advertised-host"),
                c.getInt("control-port"),
                c.getInt("video-port"),
                c.getInt("audio-port"));
    }
}
