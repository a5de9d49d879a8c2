package chorus.relay.access;

import chorus.protocol.control.ErrorCode;
import chorus.protocol.control.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's admission rule, one per actor system: in the {@code tokens} mode a hello needs a valid
 * token for its room; in the {@code open} mode (a LAN, {@code chorus demo}) it needs none, a token
 * given is still verified, and a hello without one gets every grant. Made at the node's start
 * (reading or making the key file), so a bad key stops the node there.
 */
public final class Access implements Extension {
    private static final Logger log = LoggerFactory.getLogger(Access.class);

    public static final ExtensionId<Access> ID = new ExtensionId<>() {
        @Override
        public Access createExtension(ActorSystem<?> system) {
            AccessConfig config = AccessConfig.from(system.settings().config());
            try {
                return new Access(config.mode(), new AccessTokens(TokenKey.loadOrCreate(config.tokenKeyFile())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final AccessMode mode;
    private final AccessTokens tokens;

    Access(AccessMode mode, AccessTokens tokens) {
        this.mode = mode;
        this.tokens = tokens;
        if (mode == AccessMode.OPEN) {
            log.warn("access mode OPEN: anyone who reaches this relay joins any room without a token, under any name "
                    + "(a LAN setting; chorus.relay.access.mode = tokens, the default, requires tokens)");
        } else {
            log.info("access mode tokens: joining needs a token signed with this relay's key (chorus token)");
        }
    }

    public static Access get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    public AccessMode mode() {
        return mode;
    }

    /**
     * Who a hello joins as: its token's identity, name and grants; in the open mode without a token,
     * the hello's own name (normalised) with every grant.
     *
     * @throws TokenRefusedException when the hello may not join (the code and sentence to answer with)
     */
    public AccessToken admit(String token, String room, String helloName) throws TokenRefusedException {
        if (token == null && mode == AccessMode.OPEN) {
            String name = Names.normalize(helloName);
            String problem = Names.problem("name", name);
            if (problem != null) {
                throw new TokenRefusedException(ErrorCode.INVALID_NAME, problem);
            }
            return AccessToken.open(Names.normalize(room), name);
        }
        return tokens.verify(token, room);
    }
}
