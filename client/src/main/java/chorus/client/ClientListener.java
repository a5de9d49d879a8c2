package chorus.client;

import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.util.List;

/**
 * What a UI (or a bot) observes of a client. Every method is called on one of the client's own
 * threads, never on a UI thread: a Swing view must hand work over with {@code invokeLater}, and
 * nothing here may block. All methods default to doing nothing.
 */
public interface ClientListener {
    /** The roster after a change; includes this participant. */
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

    /** The control connection ended without this side leaving; the client is no longer in the room. */
    default void onConnectionLost(String reason) {
    }
}
