package chorus.client.session;

/** Where a client is in its life: joined, hung on purpose, left, or cut off. */
public enum ConnectionState {
    JOINED,
    /** Simulating a hung client: not answering pings, not sending media (see {@link ChorusClient#freeze()}). */
    FROZEN,
    /** Left on purpose or closed by this side. */
    LEFT,
    /** The relay closed the connection or stopped answering. */
    LOST
}
