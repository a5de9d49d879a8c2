package chorus.relay.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * What one client may consume of a node: {@code chorus.relay.limits} (README "Limits" says what
 * each does). The hello timeout stays in {@code chorus.relay.control}; media rates are the media
 * section's.
 */
public record LimitsConfig(
        Duration controlIdleTimeout,
        Duration frameTimeout,
        int connectionsPerAddress,
        int maxConnections,
        double chatRate,
        int chatBurst,
        int roomSize,
        Duration uploadIdleTimeout,
        long roomQuotaBytes,
        long diskLowWaterBytes,
        int transfersPerParticipant,
        int filesConnectionsPerAddress,
        int filesMaxConnections,
        Duration filesIdleTimeout,
        int maxSubscribedStreams,
        double subscribeRate,
        int subscribeBurst) {

    public LimitsConfig {
        if (chatRate <= 0 || chatBurst < 1 || roomSize < 1 || connectionsPerAddress < 1 || maxConnections < 1
                || transfersPerParticipant < 1 || filesConnectionsPerAddress < 1 || filesMaxConnections < 1
                || maxSubscribedStreams < 1 || subscribeRate <= 0 || subscribeBurst < 1) {
            throw new IllegalArgumentException("chorus.relay.limits: chat-rate, chat-burst, room-size, the "
                    + "connection counts, transfers-per-participant, max-subscribed-streams, subscribe-rate and "
                    + "subscribe-burst must be positive");
        }
    }

    /** @param relay the {@code chorus.relay} section */
    static LimitsConfig from(Config relay) {
        Config c = relay.getConfig("limits");
        return new LimitsConfig(
                c.getDuration("control-idle-timeout"),
                c.getDuration("frame-timeout"),
                c.getInt("connections-per-address"),
                c.getInt("max-connections"),
                c.getDouble("chat-rate"),
                c.getInt("chat-burst"),
                c.getInt("room-size"),
                c.getDuration("upload-idle-timeout"),
                c.getBytes("room-quota"),
                c.getBytes("disk-low-water"),
                c.getInt("transfers-per-participant"),
                c.getInt("files-connections-per-address"),
                c.getInt("files-max-connections"),
                c.getDuration("files-idle-timeout"),
                c.getInt("max-subscribed-streams"),
                c.getDouble("subscribe-rate"),
                c.getInt("subscribe-burst"));
    }
}
