package chorus.relay.config;

import com.typesafe.config.Config;

/**
 * The UDP media sockets ({@code chorus.relay.media}) and what one participant may send on them
 * ({@code chorus.relay.limits.media}).
 */
public record MediaConfig(int receiveBufferBytes, int sendBufferBytes, Limits limits) {

    /**
     * A token bucket per participant and port (bytes a second, burst in bytes), and the most
     * challenges one participant's port gets a second.
     */
    public record Limits(long videoBytesPerSecond, long videoBurstBytes, long audioBytesPerSecond, long audioBurstBytes,
                         int challengesPerSecond) {
    }

    /** @param relay the {@code chorus.relay} section */
    static MediaConfig from(Config relay) {
        Config c = relay.getConfig("media");
        Config l = relay.getConfig("limits.media");
        return new MediaConfig(c.getInt("receive-buffer-bytes"), c.getInt("send-buffer-bytes"),
                new Limits(l.getBytes("video-bytes-per-second"), l.getBytes("video-burst-bytes"),
                        l.getBytes("audio-bytes-per-second"), l.getBytes("audio-burst-bytes"),
                        l.getInt("challenges-per-second")));
    }
}
