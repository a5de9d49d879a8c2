package chorus.client;

/**
 * Tells a UI that a {@link Call} changed. Called on the call's own threads, never on a UI thread:
 * a Swing view hands over with {@code invokeLater} and reads {@link Call#snapshot()}. Must not block.
 */
public interface CallListener {
    /** State, roster or device state changed (not called for every video frame or level change). */
    default void onChange() {
    }

    /** A device could not be opened or stopped working; {@code message} is written for the user. */
    default void onDeviceProblem(DeviceKind kind, String message) {
    }
}
