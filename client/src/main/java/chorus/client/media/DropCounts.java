package chorus.client.media;

import chorus.protocol.media.DropReason;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Received datagrams thrown away, counted by reason: the protocol's {@link DropReason}s plus the
 * reasons only a client has. Labels are the ones shown in stats, e.g. {@code foreign-source}.
 */
public final class DropCounts {
    /** Came from an address other than the relay's media endpoint for that socket. */
    public static final String FOREIGN_SOURCE = "foreign-source";
    /** A complete audio frame that is neither one 20 ms PCM16 frame nor an Opus packet of a possible length. */
    static final String BAD_AUDIO_FRAME = "bad-audio-frame";
    /** Video from more distinct senders than a client keeps reassemblers for. */
    static final String TOO_MANY_SENDERS = "too-many-senders";

    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    public void add(DropReason reason) {
        add(reason.label());
    }

    public void add(String label) {
        counts.computeIfAbsent(label, k -> new LongAdder()).increment();
    }

    public long get(String label) {
        LongAdder count = counts.get(label);
        return count == null ? 0 : count.sum();
    }

    public long get(DropReason reason) {
        return get(reason.label());
    }

    long total() {
        long total = 0;
        for (LongAdder count : counts.values()) {
            total += count.sum();
        }
        return total;
    }

    /** Non-zero counts by label, sorted. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((label, count) -> out.put(label, count.sum()));
        return out;
    }
}
