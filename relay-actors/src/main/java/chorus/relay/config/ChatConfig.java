package chorus.relay.config;

import com.typesafe.config.Config;

/** Group chat: {@code chorus.relay.chat}, checked at start. */
public record ChatConfig(int history, int maxCharacters) {

    /**
     * The longest chat message a relay may allow, in characters (code points); longer is not chat.
     * Only up to {@link #CHARACTERS_ALWAYS_FIT} does every text fit in a {@code chat} frame: a
     * character outside the BMP (an emoji) is written as a 12-byte escaped surrogate pair, so
     * 10 000 of them make a 120 KB frame. The relay therefore measures each message's encoded frame
     * and refuses one that would not fit ({@code message-too-long}), whatever this limit.
     */
    public static final int MAX_CHARACTERS = 10_000;

    /**
     * Characters that fit in a {@code chat} frame (64 KiB) in the worst case: each one 12 bytes,
     * with the longest sender name likewise and the id and time at their longest.
     * {@code RelayConfigTest} encodes that worst case.
     */
    public static final int CHARACTERS_ALWAYS_FIT = 5_000;

    public ChatConfig {
        if (maxCharacters < 1 || maxCharacters > MAX_CHARACTERS) {
            throw new IllegalArgumentException("chorus.relay.chat.max-characters is " + maxCharacters
                    + "; it must be between 1 and " + MAX_CHARACTERS);
        }
    }

    /** @param relay the {@code chorus.relay} section */
    static ChatConfig from(Config relay) {
        Config c = relay.getConfig("chat");
        return new ChatConfig(c.getInt("history"), c.getInt("max-characters"));
    }
}
