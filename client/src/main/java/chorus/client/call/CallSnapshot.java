package chorus.client.call;

import chorus.client.device.DeviceState;
import chorus.client.session.RelayAddress;
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
 * @param chat          the room's chat, oldest first, in the room's order (the history given on
 *                      joining included)
 * @param unreadChat    messages from others that arrived since {@link Call#markChatRead()}
 * @param chatProblem   why the last message was not sent (e.g. too long), or null
 * @param screen        who presents and their screen, or null when nobody presents
 * @param screenShareWanted this participant asked to present and has not stopped (nor been refused)
 * @param screenProblem why this participant's share was refused ("Ada is presenting"), or null
 * @param files         the files offered to the room, in the order offered, with this participant's
 *                      download of each
 * @param uploads       this participant's uploads, in the order asked for
 * @param sentKbps      kbit/s sent over the last second (video and audio), -1 while not measured
 * @param receivedKbps  kbit/s received over the last second (video and audio), -1 while not measured
 * @param speakers      participant ids of the dominant speaker and the recent speakers, dominant
 *                      first, as the relay last said (empty before anyone spoke)
 * @param subscriptionProblem why the relay refused or capped the video subscription, or null
 */
public record CallSnapshot(CallState state, RelayAddress relay, String name, String room, String problem,
                           List<ParticipantView> participants,
                           DeviceState microphone, DeviceState camera, DeviceState speaker,
                           double rttMillis, double packetLoss, double outputLevel, int reconnects,
                           long audioFramesSent, long videoFramesSent,
                           List<ChatLine> chat, int unreadChat, String chatProblem,
                           ScreenView screen, boolean screenShareWanted, String screenProblem,
                           List<FileView> files, List<UploadView> uploads, double sentKbps,
                           double receivedKbps, List<String> speakers, String subscriptionProblem) {

    /** This participant's own tile. */
    public ParticipantView self() {
        return participants.stream().filter(ParticipantView::self).findFirst().orElseThrow();
    }

    /** Everyone else. */
    public List<ParticipantView> others() {
        return participants.stream().filter(p -> !p.self()).toList();
    }

    /** Whether this participant is the room's presenter. */
    public boolean presenting() {
        return screen != null && screen.self();
    }

    /** The offered file with this id, or null. */
    public FileView file(String fileId) {
        return files.stream().filter(f -> f.fileId().equals(fileId)).findFirst().orElse(null);
    }

    /** Names of everyone else, in join order. */
    public List<String> otherNames() {
        return others().stream().map(ParticipantView::name).toList();
    }
}
