package chorus.client;

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
 */
@JsonPropertyOrder({"name", "room", "roster", "framesSent", "framesReceivedFrom"})
public record BotStats(String name, String room, List<String> roster, long framesSent,
                       Map<String, Long> framesReceivedFrom, long audioFramesSent, long audioFramesReceived,
                       long audioFramesPlayed, long audioFramesConcealed, long audioTicksSilent, long audioFramesLate,
                       long videoFramesIncomplete, long videoDecodeErrors, Map<String, Long> drops, long sendErrors,
                       double rttMillis, boolean mediaReady, double seconds, Ending ended, String endReason) {

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

    static BotStats of(ClientSnapshot s, double seconds, Ending ended, String endReason) {
        return new BotStats(s.name(), s.room(), s.rosterNames(), s.videoFramesSent(), s.videoFramesReceivedFrom(),
                s.audioFramesSent(), s.audioFramesReceived(), s.audioFramesPlayed(), s.audioFramesConcealed(),
                s.audioTicksSilent(), s.audioFramesLate(), s.videoFramesIncomplete(), s.videoDecodeErrors(),
                s.drops(), s.sendErrors(), Math.round(s.rttMillis() * 1000) / 1000.0, s.mediaReady(),
                Math.round(seconds * 1000) / 1000.0, ended, endReason);
    }

    /** Complete video frames received from {@code sender}, 0 when none. */
    public long receivedFrom(String sender) {
        return framesReceivedFrom.getOrDefault(sender, 0L);
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
                .append(from).append(' ').append(count));
        return String.format(Locale.ROOT,
                "%s in %s for %.1f s (%s): sent %d video, %d audio frames; received video [%s]; "
                        + "played %d audio frames, %d concealed, %d silent; rtt %s; roster [%s]",
                name, room, seconds, ended == null ? "running" : ended.label(), framesSent, audioFramesSent, received,
                audioFramesPlayed, audioFramesConcealed, audioTicksSilent,
                rttMillis < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f ms", rttMillis), String.join(", ", roster));
    }
}
