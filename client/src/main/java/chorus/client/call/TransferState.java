package chorus.client.call;

/** Where a file transfer is. */
public enum TransferState {
    /** Offered, not downloaded (yet). */
    NOT_STARTED,
    /** Hashing or moving bytes. */
    RUNNING,
    /** Complete, and its SHA-256 checked. */
    DONE,
    /** Refused or broken off; nothing of it was kept. The problem says why. */
    FAILED
}
