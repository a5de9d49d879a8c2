package chorus.relay.access;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chorus token}: prints an access token for one person in one room, signed with the relay's
 * key (found as {@code chorus server} finds it: {@code --token-key-file}, {@code CHORUS_TOKEN_KEY_FILE},
 * {@code chorus.relay.access.token-key-file}; made if missing, as the server would).
 */
@Command(name = "token", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print an access token (a signed JWT) that lets one person join one room of this relay.",
                "Run it where the relay's key file is (the same directory, CHORUS_TOKEN_KEY_FILE or --token-key-file). "
                        + "Give the token to the person: chorus client --token TOKEN, chorus bot --token TOKEN, "
                        + "or a join link (--link)."})
public final class TokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--room", required = true, paramLabel = "ROOM", description = "The room the token admits to.")
    String room;

    @Option(names = "--identity", required = true, paramLabel = "ID",
            description = "Who it is (e.g. an email address or user id); one identity is one participant: "
                    + "joining again with it replaces the earlier connection.")
    String identity;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "The display name the room sees.")
    String name;

    @Option(names = "--ttl", defaultValue = "2h", paramLabel = "DURATION",
            description = "How long the token admits, e.g. 30m, 2h, 7d. Default: ${DEFAULT-VALUE}.")
    String ttl;

    @Option(names = "--grant", paramLabel = "GRANT", split = ",",
            description = "What the holder may do (repeatable or comma-separated): publish-audio, publish-video, "
                    + "subscribe, present, share-files. Default: all of them.")
    List<String> grants;

    @Option(names = "--token-key-file", paramLabel = "FILE", description = "The relay's key file (base64).")
    Path tokenKeyFile;

    @Option(names = "--link", paramLabel = "HOST:PORT",
            description = "Print a join link chorus://HOST:PORT/ROOM?token=... (the relay's control address) instead.")
    String link;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TokenCommand()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Set<Grant> granted = EnumSet.noneOf(Grant.class);
        if (grants == null) {
            granted.addAll(Grant.ALL);
        } else {
            for (String g : grants) {
                Grant grant = Grant.ofWire(g.strip());
                if (grant == null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "unknown grant '" + g
                            + "'; the grants are publish-audio, publish-video, subscribe, present, share-files");
                }
                granted.add(grant);
            }
        }
        Duration lifetime;
        try {
            lifetime = ConfigFactory.parseMap(Map.of("ttl", ttl)).getDuration("ttl");
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ttl '" + ttl
                    + "' is not a duration (e.g. 30m, 2h, 7d)");
        }
        String token;
        try {
            Config config = ConfigFactory.load();
            Path keyFile = tokenKeyFile != null ? tokenKeyFile : AccessConfig.from(config).tokenKeyFile();
            token = new AccessTokens(TokenKey.loadOrCreate(keyFile))
                    .issue(room, identity, name, lifetime, granted, Instant.now());
        } catch (IllegalArgumentException e) {
            err.println("chorus token: " + e.getMessage());
            err.flush();
            return 2;
        } catch (IOException e) {
            err.println("chorus token: " + e.getMessage());
            err.flush();
            return 1;
        }
        out.println(link == null ? token
                : "chorus://" + link + "/" + URLEncoder.encode(room, StandardCharsets.UTF_8).replace("+", "%20")
                        + "?token=" + token);
        out.flush();
        return 0;
    }
}
