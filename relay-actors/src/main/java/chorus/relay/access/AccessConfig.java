package chorus.relay.access;

import com.typesafe.config.Config;
import java.nio.file.Path;

/** {@code chorus.relay.access}: the mode and where the token signing key lives. */
public record AccessConfig(AccessMode mode, Path tokenKeyFile) {

    /** @param root the whole configuration (with {@code chorus.relay}) */
    public static AccessConfig from(Config root) {
        Config c = root.getConfig("chorus.relay.access");
        String mode = c.getString("mode");
        AccessMode parsed = switch (mode) {
            case "tokens" -> AccessMode.TOKENS;
            case "open" -> AccessMode.OPEN;
            default -> throw new IllegalArgumentException("chorus.relay.access.mode is '" + mode
                    + "'; it must be tokens or open");
        };
        return new AccessConfig(parsed, Path.of(c.getString("token-key-file")));
    }
}
