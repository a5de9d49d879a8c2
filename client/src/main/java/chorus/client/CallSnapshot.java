package chorus.client;

import java.util.List;

/**
 * A {@link Call} at one instant, for a UI to render or a test to assert on. Immutable.
 *
 * @param problem       why the call is not joined, in a sentence (last connection error, or the
 *                      refusal that ended it); null while joined
 * @param participants  everyone in the room as last known, this participant first
 * @param rttMillis     smoothed control round-trip time, -1 when unknown
 * @param packetLoss    fraction of the video datagrams others sent that did not reach this client
 *                      over the last two seconds, 0..1, or -1 while nothing was expected
 * @param outputLevel   RMS level of what is being played (the room's mix), 0..1
 * @param reconnects    times the call rejoined after losing the relay
 * @param audioFramesSent audio frames this client sent in its current connection
 */
public record CallSnapshot(CallState state, RelayAddress relay, String name, String room, String problem,
                           List<ParticipantView> participants,
                           DeviceState microphone, DeviceState camera, DeviceState speaker,
                           double rttMillis, double packetLoss, double outputLevel, int reconnects,
                           long audioFramesSent, long videoFramesSent) {

    /** This participant's own tile. */
    public ParticipantView self() {
        return participants.stream().filter(ParticipantView::self).findFirst().orElseThrow();
    }

    /** Everyone else. */
    public List<ParticipantView> others() {
        return participants.stream().filter(p -> !p.self()).toList();
    }

    /** Names of everyone else, in join order. */
    public List<String> otherNames() {
        return others().stream().map(ParticipantView::name).toList();
    }
}
