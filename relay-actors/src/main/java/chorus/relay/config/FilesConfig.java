package chorus.relay.config;

import com.typesafe.config.Config;
import java.nio.file.Path;

/** The file service: {@code chorus.relay.files}. */
public record FilesConfig(int port, Path directory, long maxBytes) {

    /** @param relay the {@code chorus.relay} section */
    static FilesConfig from(Config relay) {
        Config c = relay.getConfig("files");
        return new FilesConfig(c.getInt("port"), Path.of(c.getString("directory")), c.getBytes("max-bytes"));
    }
}
