package chorus.client.call;

/**
 * Where a {@link Call} is, across however many control connections it takes: the first join, a
 * working call, a lost relay being retried, or the end.
 */
public enum CallState {
    /** Joining for the first time (retrying with backoff while the relay cannot be reached). */
    CONNECTING,
    /** In the room: media flows. */
    JOINED,
    /** The relay was lost; retrying with backoff and rejoining with the same name and room. */
    RECONNECTING,
    /** Left on purpose, or the relay refused the join for a reason retrying cannot fix. */
    LEFT
}
