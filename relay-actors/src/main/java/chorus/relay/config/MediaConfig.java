package chorus.relay.config;

import com.typesafe.config.Config;

/** The UDP media sockets: {@code chorus.relay.media}. */
public record MediaConfig(int receiveBufferBytes, int sendBufferBytes) {

    /** @param relay the {@code chorus.relay} section */
    static MediaConfig from(Config relay) {
        Config c = relay.getConfig("media");
        return new MediaConfig(c.getInt("receive-buffer-bytes"), c.getInt("send-buffer-bytes"));
    }
}
