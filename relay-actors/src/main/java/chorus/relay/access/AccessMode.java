package chorus.relay.access;

/** Whether joining needs a token. */
public enum AccessMode {
    /** Every hello needs a valid token for its room (the default). */
    TOKENS,
    /** A LAN setting: a hello needs no token (one given is still verified); everyone has every grant. */
    OPEN;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
