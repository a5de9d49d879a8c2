package chorus.client.media;

import chorus.protocol.media.MediaHeader;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Packet loss on forwarded media, from sequence numbers the way RTP receivers count it: for each
 * sender's stream (kind and simulcast layer), datagrams expected = highest sequence seen − first + 1, against datagrams
 * received. The relay forwards datagrams unchanged, so a gap is a datagram lost between the sender
 * and this client, whichever leg lost it. {@link #offer} runs on one receive thread; the totals may
 * be read from anywhere.
 */
public final class SequenceLoss {
    /** A forward jump this large is a restarted counter, not loss (at most ~1 s of a 4 MB/s stream). */
    static final long MAX_GAP = 3_000;
    /** Bounds the streams a misbehaving relay could make us keep. */
    static final int MAX_STREAMS = 1024;

    private final Map<Long, Stream> streams = new HashMap<>(); // receive thread only
    private final AtomicLong expected = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    /** One validated datagram of a media stream (any kind but signals). */
    void offer(ByteBuffer datagram, int offset) {
        int mediaId = MediaHeader.mediaId(datagram, offset);
        int kind = datagram.get(offset + MediaHeader.KIND_OFFSET) & 0xFF;
        long sequence = datagram.getInt(offset + MediaHeader.SEQUENCE_OFFSET) & 0xFFFF_FFFFL;
        int layer = MediaHeader.layer(datagram, offset); // each simulcast layer has its own sequences
        offer(((long) mediaId << 16) | (kind << 8) | layer, sequence);
    }

    void offer(long streamKey, long sequence) {
        Stream stream = streams.get(streamKey);
        if (stream == null) {
            if (streams.size() >= MAX_STREAMS) {
                return;
            }
            streams.put(streamKey, new Stream(sequence));
            expected.incrementAndGet();
            received.incrementAndGet();
            return;
        }
        received.incrementAndGet();
        // distance from the highest sequence so far, modulo 2^32, as a signed number
        long ahead = (int) (sequence - stream.highest);
        if (ahead > 0) {
            if (ahead > MAX_GAP) {
                // The sender restarted its counter (or an absurd gap): start counting afresh.
                stream.highest = sequence;
                expected.incrementAndGet();
            } else {
                stream.highest = sequence;
                expected.addAndGet(ahead);
            }
        }
        // behind or equal: late, reordered or duplicated; received but expected already
    }

    /** Datagrams the sequence numbers say should have arrived so far. */
    public long expected() {
        return expected.get();
    }

    /** Datagrams that arrived (late and duplicate ones included, as RTP counts them). */
    public long received() {
        return received.get();
    }

    private static final class Stream {
        long highest;

        Stream(long first) {
            this.highest = first;
        }
    }
}
