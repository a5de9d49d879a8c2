package chorus.relay.config;

import com.typesafe.config.Config;

/**
 * The relay's settings, read from the {@code chorus.relay} section of the configuration: one record
 * per section, each read by the section's own {@code from}.
 */
public record RelayConfig(
        ListenConfig listen,
        KeepaliveConfig keepalive,
        ControlConfig control,
        RoomConfig room,
        ChatConfig chat,
        FilesConfig files,
        ClusterConfig cluster,
        DrainConfig drain,
        MixerConfig mixer,
        MediaConfig media,
        MetricsConfig metrics,
        TlsConfig tls,
        LimitsConfig limits) {

    /** True when this node is to form or join a cluster of several nodes (else it is a cluster of one). */
    public boolean clustered() {
        return cluster.clustered();
    }

    public static RelayConfig from(Config root) {
        Config c = root.getConfig("chorus.relay");
        return new RelayConfig(ListenConfig.from(c), KeepaliveConfig.from(c), ControlConfig.from(c), RoomConfig.from(c),
                ChatConfig.from(c), FilesConfig.from(c), ClusterConfig.from(c), DrainConfig.from(c), MixerConfig.from(c),
                MediaConfig.from(c), MetricsConfig.from(c), TlsConfig.from(c), LimitsConfig.from(c));
    }
}
