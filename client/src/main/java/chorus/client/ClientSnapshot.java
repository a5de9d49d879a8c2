package chorus.client;

import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.util.List;
import java.util.Map;

/**
 * A client's state at one instant, for a UI to render or a test to assert on. Immutable.
 *
 * @param videoFramesReceivedFrom complete video frames received, by sender name (senders who left
 *                                stay in the map)
 * @param audioFramesPlayed       mixed frames played as received (not concealed)
 * @param audioTicksSilent        playout ticks with nothing to play
 * @param drops                   received datagrams dropped, by reason label
 * @param rttMillis               smoothed control round-trip time, -1 before the first measurement
 * @param screenFramesSent        frames of this participant's shared screen sent
 * @param screenFramesReceived    complete frames of others' shared screens received
 */
public record ClientSnapshot(String name, String room, String participantId, int mediaId, ConnectionState state,
                             List<ParticipantInfo> roster, boolean mediaReady,
                             long videoFramesSent, long audioFramesSent,
                             Map<String, Long> videoFramesReceivedFrom, long videoFramesIncomplete,
                             long videoDecodeErrors,
                             long audioFramesReceived, long audioFramesPlayed, long audioFramesConcealed,
                             long audioTicksSilent, long audioFramesLate, double audioLevel,
                             Map<String, Long> drops, long sendErrors, double rttMillis, String lostReason,
                             long screenFramesSent, long screenFramesReceived) {

    /** Names in the roster, in join order. */
    public List<String> rosterNames() {
        return roster.stream().map(ParticipantInfo::name).toList();
    }
}
