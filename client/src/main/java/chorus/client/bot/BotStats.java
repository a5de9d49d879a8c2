package chorus.client.bot;

import chorus.client.session.CameraLayer;
import chorus.client.session.ClientSnapshot;
import chorus.client.session.VideoRecovery;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a bot did and heard, for assertions in tests and for {@code --stats FILE.json}.
 *
 * @param roster             names in the room when the bot ended, itself included
 * @param framesSent         video frames sent
 * @param framesReceivedFrom complete video frames received, by sender name
 * @param audioFramesPlayed  mixed frames played as received
 * @param audioTicksSilent   playout ticks with nothing to play (silence was recorded)
 * @param drops              received datagrams dropped, by reason
 * @param rttMillis          smoothed control round-trip time, -1 when never measured
 * @param seconds            time from joined to ended
 * @param ended              how the run ended; null in a snapshot of a running bot
 * @param endReason          why it ended, in words (for a lost connection, the cause)
 * @param screenFramesSent   frames of the bot's synthetic screen sent (while it presented)
 * @param screenFramesReceived complete frames of others' shared screens received
 * @param screenShareRefused the relay's refusal of {@code --share-screen} ("Ada is presenting"), or null
 * @param chat               every chat message the bot saw (its own and the history included), in the room's order
 * @param uploads            the files it offered ({@code --upload}), in order, with how each went
 * @param downloads          the files it downloaded ({@code --download-all}), in the order offered
 * @param relayErrors        what the relay refused on the control connection (e.g. {@code message-too-long})
 * @param framesReadBackFrom video frames, by sender name, that decoded to the expected picture: the test
 *                           pattern's frame counter read back and moved on from the frame before
 * @param videoRecovery      NACKs and keyframe requests sent, retransmissions and keyframe requests received
 * @param cameraLayers       the bot's camera layers: frames sent, pictures left out while nobody watched
 * @param framesReceivedByLayer complete video frames received, by sender name, then simulcast layer
 */
@JsonPropertyOrder({"name", "room", "roster", "framesSent", "framesReceivedFrom"})
public record BotStats(String name, String room, List<String> roster, long framesSent,
                       Map<String, Long> framesReceivedFrom, long audioFramesSent, long audioFramesReceived,
                       long audioFramesPlayed, long audioFramesConcealed, long audioTicksSilent, long audioFramesLate,
                       long videoFramesIncomplete, long videoDecodeErrors, Map<String, Long> drops, long sendErrors,
                       double rttMillis, boolean mediaReady, double seconds, Ending ended, String endReason,
                       long screenFramesSent, long screenFramesReceived, String screenShareRefused,
                       List<ChatLine> chat, List<FileResult> uploads, List<FileResult> downloads,
                       List<RelayError> relayErrors, Map<String, Long> framesReadBackFrom,
                       VideoRecovery videoRecovery, List<CameraLayer> cameraLayers,
                       Map<String, Map<Integer, Long>> framesReceivedByLayer) {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** How a bot's run ended. */
    public enum Ending {
        /** Its {@code --duration} passed. */
        DURATION,
        /** Stopped by its owner (a test, or SIGINT/SIGTERM). */
        STOPPED,
        /** The relay closed the connection or stopped answering (e.g. dropped a frozen bot). */
        CONNECTION_LOST;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** One chat message as the bot saw it; {@code history}: sent before the bot joined. */
    public record ChatLine(long id, String from, String text, boolean history) {
    }

    /**
     * One file transfer: the file's name, size and SHA-256 (of the local file for an upload, as
     * offered for a download), whether it completed and checked out, the relay's file id, where a
     * download was saved, and for a failure its code and reason.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FileResult(String name, long size, String sha256, boolean ok, String fileId, String path,
                             String errorCode, String error) {
    }

    /** Something the relay refused, as it said it. */
    public record RelayError(String code, String message) {
    }

    /** What the bot's collaboration features did, beside the client's own counters. */
    record Activity(String screenShareRefused, List<ChatLine> chat, List<FileResult> uploads,
                    List<FileResult> downloads, List<RelayError> relayErrors) {
        static final Activity NONE = new Activity(null, List.of(), List.of(), List.of(), List.of());
    }

    static BotStats of(ClientSnapshot s, Activity a, double seconds, Ending ended, String endReason) {
        return new BotStats(s.name(), s.room(), s.rosterNames(), s.videoFramesSent(), s.videoFramesReceivedFrom(),
                s.audioFramesSent(), s.audioFramesReceived(), s.audioFramesPlayed(), s.audioFramesConcealed(),
                s.audioTicksSilent(), s.audioFramesLate(), s.videoFramesIncomplete(), s.videoDecodeErrors(),
                s.drops(), s.sendErrors(), Math.round(s.rttMillis() * 1000) / 1000.0, s.mediaReady(),
                Math.round(seconds * 1000) / 1000.0, ended, endReason,
                s.screenFramesSent(), s.screenFramesReceived(), a.screenShareRefused(), List.copyOf(a.chat()),
                List.copyOf(a.uploads()), List.copyOf(a.downloads()), List.copyOf(a.relayErrors()),
                Map.copyOf(s.videoFramesReadBackFrom()), s.videoRecovery(), s.cameraLayers(),
                Map.copyOf(s.videoFramesByLayerFrom()));
    }

    /** The texts of the chat messages seen, in order. */
    public List<String> chatTexts() {
        return chat.stream().map(ChatLine::text).toList();
    }

    /** Relay error codes seen, in order. */
    public List<String> relayErrorCodes() {
        return relayErrors.stream().map(RelayError::code).toList();
    }

    /** Complete video frames received from {@code sender}, 0 when none. */
    public long receivedFrom(String sender) {
        return framesReceivedFrom.getOrDefault(sender, 0L);
    }

    /** Complete video frames received from {@code sender}'s simulcast {@code layer}, 0 when none. */
    public long receivedFrom(String sender, int layer) {
        return framesReceivedByLayer.getOrDefault(sender, Map.of()).getOrDefault(layer, 0L);
    }

    /** Video frames from {@code sender} whose frame counter read back (see {@link #framesReadBackFrom}), 0 when none. */
    public long readBackFrom(String sender) {
        return framesReadBackFrom.getOrDefault(sender, 0L);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line for a terminal. */
    public String summary() {
        StringBuilder received = new StringBuilder();
        framesReceivedFrom.forEach((from, count) -> received.append(received.length() == 0 ? "" : ", ")
                .append(from).append(' ').append(count)
                .append(framesReceivedByLayer.getOrDefault(from, Map.of()).size() > 1
                        ? " by layer " + framesReceivedByLayer.get(from) : "")
                .append(framesReadBackFrom.containsKey(from) ? " (" + readBackFrom(from) + " read back)" : ""));
        StringBuilder collaboration = new StringBuilder();
        if (!chat.isEmpty()) {
            collaboration.append("; chat ").append(chat.size()).append(" messages");
        }
        if (screenFramesSent > 0 || screenFramesReceived > 0 || screenShareRefused != null) {
            collaboration.append("; screen frames sent ").append(screenFramesSent).append(", received ")
                    .append(screenFramesReceived);
            if (screenShareRefused != null) {
                collaboration.append(" (share refused: ").append(screenShareRefused).append(')');
            }
        }
        if (!uploads.isEmpty() || !downloads.isEmpty()) {
            collaboration.append("; files uploaded ").append(uploads.stream().filter(FileResult::ok).count())
                    .append('/').append(uploads.size()).append(", downloaded ")
                    .append(downloads.stream().filter(FileResult::ok).count()).append('/').append(downloads.size());
        }
        return String.format(Locale.ROOT,
                "%s in %s for %.1f s (%s): sent %d video, %d audio frames; received video [%s]; "
                        + "played %d audio frames, %d concealed, %d silent; rtt %s; roster [%s]%s",
                name, room, seconds, ended == null ? "running" : ended.label(), framesSent, audioFramesSent, received,
                audioFramesPlayed, audioFramesConcealed, audioTicksSilent,
                rttMillis < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f ms", rttMillis), String.join(", ", roster),
                collaboration);
    }
}
