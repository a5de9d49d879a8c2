package chorus.relay.config;

import com.typesafe.config.Config;
import java.time.Duration;

/** Rooms: {@code chorus.relay.room}. */
public record RoomConfig(Duration retention) {

    /** @param relay the {@code chorus.relay} section */
    static RoomConfig from(Config relay) {
        Config c = relay.getConfig("room");
        return new RoomConfig(c.getDuration("retention-after-empty"));
    }
}
