package chorus.relay.config;

import com.typesafe.config.Config;
import java.time.Duration;

/** The relay's settings, read from the {@code chorus.relay} section of the configuration. */
public record RelayConfig(
        String host,
        String advertisedHost,
        int controlPort,
        int videoPort,
        int audioPort,
        Duration pingInterval,
        Duration keepaliveTimeout,
        int outboxFrames,
        Duration mixerTick,
        int jitterTargetFrames,
        int jitterMaxFrames,
        int receiveBufferBytes,
        int sendBufferBytes,
        Duration roomRetention,
        int chatHistory,
        int chatMaxCharacters,
        int filesPort,
        java.nio.file.Path filesDirectory,
        long filesMaxBytes,
        boolean clusterEnabled,
        java.util.List<String> clusterSeeds,
        String clusterHostname,
        int clusterPort,
        Duration resumeGrace,
        String clusterSecret,
        Duration drainTimeout) {

    /**
     * The longest chat message a relay may allow, in characters (code points); longer is not chat.
     * Only up to {@link #CHAT_CHARACTERS_ALWAYS_FIT} does every text fit in a {@code chat} frame: a
     * character outside the BMP (an emoji) is written as a 12-byte escaped surrogate pair, so
     * 10 000 of them make a 120 KB frame. The relay therefore measures each message's encoded frame
     * and refuses one that would not fit ({@code message-too-long}), whatever this limit.
     */
    public static final int MAX_CHAT_CHARACTERS = 10_000;

    /**
     * Characters that fit in a {@code chat} frame (64 KiB) in the worst case: each one 12 bytes,
     * with the longest sender name likewise and the id and time at their longest.
     * {@code RelayConfigTest} encodes that worst case.
     */
    public static final int CHAT_CHARACTERS_ALWAYS_FIT = 5_000;

    public RelayConfig {
        if (chatMaxCharacters < 1 || chatMaxCharacters > MAX_CHAT_CHARACTERS) {
            throw new IllegalArgumentException("chorus.relay.chat.max-characters is " + chatMaxCharacters
                    + "; it must be between 1 and " + MAX_CHAT_CHARACTERS);
        }
    }

    /** True when this node is to form or join a Pekko Cluster. */
    public boolean clustered() {
        return clusterEnabled || !clusterSeeds.isEmpty();
    }


    public static RelayConfig from(Config root) {
        Config c = root.getConfig("chorus.relay");
        return new RelayConfig(
                c.getString("host"),
                c.getString("advertised-host"),
                c.getInt("control-port"),
                c.getInt("video-port"),
                c.getInt("audio-port"),
                c.getDuration("keepalive.ping-interval"),
                c.getDuration("keepalive.timeout"),
                c.getInt("control.outbox-frames"),
                c.getDuration("mixer.tick"),
                c.getInt("mixer.jitter-target-frames"),
                c.getInt("mixer.jitter-max-frames"),
                c.getInt("media.receive-buffer-bytes"),
                c.getInt("media.send-buffer-bytes"),
                c.getDuration("room.retention-after-empty"),
                c.getInt("chat.history"),
                c.getInt("chat.max-characters"),
                c.getInt("files.port"),
                java.nio.file.Path.of(c.getString("files.directory")),
                c.getBytes("files.max-bytes"),
                c.getBoolean("cluster.enabled"),
                c.getStringList("cluster.seeds"),
                c.getString("cluster.hostname"),
                c.getInt("cluster.port"),
                c.getDuration("cluster.resume-grace"),
                c.getString("cluster.secret"),
                c.getDuration("drain.timeout"));
    }
}
