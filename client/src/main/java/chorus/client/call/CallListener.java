package chorus.client.call;

import chorus.client.device.DeviceKind;
import chorus.client.session.ClientListener;
import chorus.protocol.control.ControlMessage.FileInfo;

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

    /**
     * A file was offered to the room (each once, over all of the call's connections);
     * {@code history} when it was offered before the connection that heard of it joined.
     */
    default void onFileOffered(FileInfo file, boolean history) {
    }

    /** The relay refused something the call asked for; see {@link ClientListener#onRelayError}. */
    default void onRelayError(String code, String message) {
    }

    /**
     * The call ended by itself: its connection was lost while it does not reconnect
     * ({@link CallOptions#reconnectOnLoss()}; {@code reason} is then the connection's), or the
     * relay refused to take it back. Not called when it is left on purpose.
     */
    default void onEnded(String reason) {
    }
}
