package chorus.client.session;

import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 * @param videoFramesReadBackFrom video pictures, by sender name, whose test-pattern frame counter
 *                                read back and moved on: decoded to the expected picture
 * @param videoRecovery           NACKs and keyframe requests sent, retransmissions and keyframe requests received
 * @param cameraLayers            this client's camera layers: frames sent, pictures left out while paused
 * @param videoFramesByLayerFrom  complete video frames received, by sender name, then simulcast layer
 */
public record ClientSnapshot(String name, String room, String participantId, int mediaId, ConnectionState state,
                             List<ParticipantInfo> roster, boolean mediaReady,
                             long videoFramesSent, long audioFramesSent,
                             Map<String, Long> videoFramesReceivedFrom, long videoFramesIncomplete,
                             long videoDecodeErrors,
                             long audioFramesReceived, long audioFramesPlayed, long audioFramesConcealed,
                             long audioTicksSilent, long audioFramesLate, double audioLevel,
                             Map<String, Long> drops, long sendErrors, double rttMillis, String lostReason,
                             long screenFramesSent, long screenFramesReceived,
                             Map<String, Long> videoFramesReadBackFrom, VideoRecovery videoRecovery,
                             List<CameraLayer> cameraLayers, Map<String, Map<Integer, Long>> videoFramesByLayerFrom) {

    /** Names in the roster, in join order. */
    public List<String> rosterNames() {
        return roster.stream().map(ParticipantInfo::name).toList();
    }

    /**
     * The counters of {@code earlier} (a connection that was lost) added to this one's, for a client
     * that came back on a new connection; everything else is this one's.
     */
    public ClientSnapshot after(ClientSnapshot earlier) {
        return new ClientSnapshot(name, room, participantId, mediaId, state, roster, mediaReady,
                earlier.videoFramesSent + videoFramesSent, earlier.audioFramesSent + audioFramesSent,
                sum(earlier.videoFramesReceivedFrom, videoFramesReceivedFrom),
                earlier.videoFramesIncomplete + videoFramesIncomplete, earlier.videoDecodeErrors + videoDecodeErrors,
                earlier.audioFramesReceived + audioFramesReceived, earlier.audioFramesPlayed + audioFramesPlayed,
                earlier.audioFramesConcealed + audioFramesConcealed, earlier.audioTicksSilent + audioTicksSilent,
                earlier.audioFramesLate + audioFramesLate, audioLevel, sum(earlier.drops, drops),
                earlier.sendErrors + sendErrors, rttMillis, lostReason,
                earlier.screenFramesSent + screenFramesSent, earlier.screenFramesReceived + screenFramesReceived,
                sum(earlier.videoFramesReadBackFrom, videoFramesReadBackFrom),
                earlier.videoRecovery.plus(videoRecovery), cameraLayers,
                sumByLayer(earlier.videoFramesByLayerFrom, videoFramesByLayerFrom));
    }

    private static Map<String, Map<Integer, Long>> sumByLayer(Map<String, Map<Integer, Long>> a,
                                                              Map<String, Map<Integer, Long>> b) {
        Map<String, Map<Integer, Long>> all = new TreeMap<>();
        a.forEach((k, v) -> all.put(k, new TreeMap<>(v)));
        b.forEach((k, v) -> v.forEach((layer, n) -> all.computeIfAbsent(k, any -> new TreeMap<>()).merge(layer, n, Long::sum)));
        return Map.copyOf(all);
    }

    private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> all = new TreeMap<>(a);
        b.forEach((k, v) -> all.merge(k, v, Long::sum));
        return Map.copyOf(all);
    }
}
