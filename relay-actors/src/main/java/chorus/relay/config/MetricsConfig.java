package chorus.relay.config;

import com.typesafe.config.Config;

/** Prometheus metrics on {@code /metrics}: {@code chorus.relay.metrics}. */
public record MetricsConfig(boolean enabled, String host, int port) {

    /** @param relay the {@code chorus.relay} section */
    static MetricsConfig from(Config relay) {
        Config c = relay.getConfig("metrics");
        return new MetricsConfig(c.getBoolean("enabled"), c.getString("host"), c.getInt("port"));
    }
}
