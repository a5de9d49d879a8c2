package chorus.client.session;

import chorus.protocol.control.ControlMessage.AudioLevel;
import chorus.protocol.control.ControlMessage.ChatMessage;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.util.List;

/**
 * What a UI (or a bot) observes of a client. Every method is called on one of the client's own
 * threads, never on a UI thread: a Swing view must hand work over with {@code invokeLater}, and
 * nothing here may block. All methods default to doing nothing.
 */
public interface ClientListener {
    /**
     * The whole roster after a change; includes this participant. Not called for the roster at the
     * join: {@code ChorusClient.connect} returns with it, all pages assembled.
     */
    default void onRosterChanged(List<ParticipantInfo> roster) {
    }

    default void onParticipantJoined(ParticipantInfo participant) {
    }

    /** {@code reason} is the relay's: "leave", "disconnected" or "timeout". */
    default void onParticipantLeft(ParticipantInfo participant, String reason) {
    }

    /** A complete frame from another participant; on the video receive thread. */
    default void onVideoFrame(VideoFrame frame) {
    }

    /** Level (RMS, 0..1 of full scale) of the audio played, every 20 ms. */
    default void onAudioLevel(double rms) {
    }

    /** The relay acknowledged both media sockets: media flows both ways. */
    default void onMediaReady() {
    }

    /** Something that degrades the call without ending it, in one sentence. */
    default void onMediaProblem(String problem) {
    }

    /**
     * A chat message, this participant's own included (the relay sends every message to everyone,
     * so all see one order); {@code message.history()} marks those sent before this one joined.
     * Each message once: one the client's {@link RoomState} has already (a call's new connection is
     * given the history again) is not repeated.
     */
    default void onChat(ChatMessage message) {
    }

    /** Who presents a screen now; null when nobody does. */
    default void onPresenterChanged(ParticipantInfo presenter) {
    }

    /** A complete frame of the presenter's screen; on the video receive thread. */
    default void onScreenFrame(VideoFrame frame) {
    }

    /**
     * A file was offered to the room; {@code history} when it was offered before this one joined.
     * Each file once, as with {@link #onChat}.
     */
    default void onFileOffered(FileInfo file, boolean history) {
    }

    /**
     * Talkers' levels, about every 100 ms while anyone talks: each talker's loudest level over that
     * time in dBov (0 = full scale, -127 = silence). Talkers not listed were silent.
     */
    default void onAudioLevels(List<AudioLevel> levels) {
    }

    /**
     * Who the relay says speaks now ({@code participantId}, null before anyone has) and the recent
     * speakers, dominant first: what a speaker view shows large, and what last-N follows.
     */
    default void onDominantSpeaker(String participantId, List<String> recent) {
    }

    /**
     * The relay refused something this client asked for, e.g. {@code message-too-long} for a chat
     * message or {@code presenter-busy} for a screen share; {@code code} is stable (see
     * {@link chorus.protocol.control.ErrorCode}), {@code message} is written for a person.
     */
    default void onRelayError(String code, String message) {
    }

    /**
     * The relay node is shutting down and asks this client to resume on one of {@code nodes} (the
     * other nodes' control endpoints) now; it closes this connection once the client has gone.
     */
    default void onMove(List<String> nodes) {
    }

    /** The control connection ended without this side leaving; the client is no longer in the room. */
    default void onConnectionLost(String reason) {
    }
}
