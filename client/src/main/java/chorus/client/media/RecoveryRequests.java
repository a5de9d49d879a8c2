package chorus.client.media;

import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.KeyframeRequest;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Nack;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a receiver asks the relay for to recover loss on one kind of forwarded stream (VIDEO or
 * SCREEN), per sender stream (each simulcast layer is one, with its own sequences; the feedback names it): a NACK for each sequence gap after a short reordering allowance, resent a
 * bounded number of times, never for a datagram older than the reassembler would still use; a
 * keyframe request, at most one per stream per interval, when a stream cannot be decoded (its first
 * frame is not a keyframe, a frame was given up, or the decoder says so). Datagrams come from the
 * receive thread, {@link #tick} from a clock: both lock this object, and the feedback is sent under it.
 */
public final class RecoveryRequests {
    /** Bounds the streams and the missing sequences a misbehaving relay could make us keep. */
    static final int MAX_STREAMS = 1024;
    static final int MAX_MISSING = 512;
    /** A forward jump this large is a restarted counter, not loss (as {@link SequenceLoss} counts it). */
    static final long MAX_GAP = SequenceLoss.MAX_GAP;

    /**
     * @param reorderNanos          a gap younger than this may be reordering: not NACKed yet
     * @param retryNanos            a NACKed sequence still missing this long after is NACKed again...
     * @param maxTries              ...at most this many times in all
     * @param maxAgeNanos           a sequence missing longer than this is given up (under the reassembler's timeout)
     * @param keyframeIntervalNanos at most one keyframe request per stream this often
     */
    public record Settings(long reorderNanos, long retryNanos, int maxTries, long maxAgeNanos,
                           long keyframeIntervalNanos) {
        /** 15 ms for reordering, retries every 50 ms, 4 tries, given up after 400 ms (the reassembler keeps 500 ms); 300 ms between keyframe requests. */
        public static final Settings DEFAULTS = new Settings(15_000_000L, 50_000_000L, 4, 400_000_000L, 300_000_000L);

        public Settings {
            if (reorderNanos < 0 || retryNanos <= 0 || maxTries < 1 || maxAgeNanos <= reorderNanos
                    || keyframeIntervalNanos <= 0) {
                throw new IllegalArgumentException("loss recovery settings out of range: " + this);
            }
        }
    }

    private final MediaKind kind;
    private final int ownMediaId;
    private final Settings settings;
    private final Fragmenter.PacketSink out;
    /** By stream: (media id << 8) | layer (each camera layer has its own sequences). */
    private final Map<Long, Stream> streams = new HashMap<>();
    private final ByteBuffer feedback = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    private final long[] due = new long[MAX_MISSING];
    private long nextSequence;
    private final AtomicLong nacksSent = new AtomicLong();
    private final AtomicLong sequencesNacked = new AtomicLong();
    private final AtomicLong retransmissionsReceived = new AtomicLong();
    private final AtomicLong sequencesGivenUp = new AtomicLong();
    private final AtomicLong keyframeRequestsSent = new AtomicLong();

    /**
     * @param kind       the streams' kind, VIDEO or SCREEN
     * @param ownMediaId this participant's media id (the feedback datagrams' header)
     * @param out        where the clear feedback datagrams go (the video socket, which seals them)
     */
    public RecoveryRequests(MediaKind kind, int ownMediaId, Settings settings, Fragmenter.PacketSink out) {
        if (kind != MediaKind.VIDEO && kind != MediaKind.SCREEN) {
            throw new IllegalArgumentException("loss recovery is for video and screen, not " + kind);
        }
        this.kind = kind;
        this.ownMediaId = ownMediaId;
        this.settings = settings;
        this.out = out;
    }

    /** A datagram of {@code mediaId}'s stream arrived with {@code sequence}: gaps are noted, a missing one is crossed off. */
    public void onDatagram(int mediaId, long sequence, long nowNanos) {
        onDatagram(mediaId, 0, sequence, nowNanos);
    }

    /** As {@link #onDatagram(int, long, long)}, for simulcast {@code layer} of the sender's camera. */
    public synchronized void onDatagram(int mediaId, int layer, long sequence, long nowNanos) {
        Stream stream = stream(mediaId, layer);
        if (stream == null) {
            return;
        }
        if (!stream.started) {
            stream.started = true;
            stream.highest = sequence;
            return;
        }
        long ahead = (int) (sequence - stream.highest);
        if (ahead > MAX_GAP) {
            stream.missing.clear();
            stream.highest = sequence;
        } else if (ahead > 0) {
            for (long s = stream.highest + 1; s != stream.highest + ahead; s++) {
                if (stream.missing.size() >= MAX_MISSING) {
                    Iterator<Missing> oldest = stream.missing.values().iterator();
                    oldest.next();
                    oldest.remove();
                    sequencesGivenUp.incrementAndGet();
                }
                stream.missing.put(s & 0xFFFF_FFFFL, new Missing(nowNanos));
            }
            stream.highest = sequence;
        } else {
            Missing found = stream.missing.remove(sequence);
            if (found != null && found.tries > 0) {
                retransmissionsReceived.incrementAndGet();
            }
        }
    }

    /** A complete frame of {@code mediaId}'s stream: without a keyframe since the start or a loss, one is asked for. */
    public void onFrame(int mediaId, boolean keyframe, long nowNanos) {
        onFrame(mediaId, 0, keyframe, nowNanos);
    }

    /** As {@link #onFrame(int, boolean, long)}, for simulcast {@code layer}. */
    public synchronized void onFrame(int mediaId, int layer, boolean keyframe, long nowNanos) {
        Stream stream = stream(mediaId, layer);
        if (stream == null) {
            return;
        }
        if (keyframe) {
            stream.decodable = true;
            return;
        }
        stream.predicted = true;
        if (!stream.decodable) {
            requestKeyframe(mediaId, layer, stream, nowNanos); // joined mid-stream, or a frame it needs was lost
        }
    }

    /**
     * A frame of {@code mediaId}'s stream was given up incomplete: what follows cannot be decoded
     * until a keyframe comes. Asked for at once when the stream has frames that need earlier ones;
     * a stream of keyframes only (JPEG) is whole again with its next frame.
     */
    public void onFrameDropped(int mediaId, long nowNanos) {
        onFrameDropped(mediaId, 0, nowNanos);
    }

    /** As {@link #onFrameDropped(int, long)}, for simulcast {@code layer}. */
    public synchronized void onFrameDropped(int mediaId, int layer, long nowNanos) {
        Stream stream = stream(mediaId, layer);
        if (stream == null) {
            return;
        }
        stream.decodable = false;
        if (stream.predicted) {
            requestKeyframe(mediaId, layer, stream, nowNanos);
        }
    }

    /** The decoder cannot go on with {@code mediaId}'s stream: a keyframe request, unless one went within the interval. */
    public void keyframeNeeded(int mediaId, long nowNanos) {
        keyframeNeeded(mediaId, 0, nowNanos);
    }

    /** As {@link #keyframeNeeded(int, long)}, for simulcast {@code layer}: the request names it. */
    public synchronized void keyframeNeeded(int mediaId, int layer, long nowNanos) {
        Stream stream = stream(mediaId, layer);
        if (stream != null) {
            stream.decodable = false;
            requestKeyframe(mediaId, layer, stream, nowNanos);
        }
    }

    /** Sends the NACKs that are due: gaps past the reordering allowance, and retries; gives up old ones. */
    public synchronized void tick(long nowNanos) {
        for (Map.Entry<Long, Stream> e : streams.entrySet()) {
            int count = 0;
            Iterator<Map.Entry<Long, Missing>> it = e.getValue().missing.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<Long, Missing> m = it.next();
                Missing missing = m.getValue();
                long age = nowNanos - missing.firstSeenNanos;
                if (age > settings.maxAgeNanos() || missing.tries >= settings.maxTries()
                        && nowNanos - missing.lastSentNanos >= settings.retryNanos()) {
                    it.remove();
                    sequencesGivenUp.incrementAndGet();
                    continue;
                }
                boolean first = missing.tries == 0 && age >= settings.reorderNanos();
                boolean retry = missing.tries > 0 && missing.tries < settings.maxTries()
                        && nowNanos - missing.lastSentNanos >= settings.retryNanos();
                if (first || retry) {
                    missing.tries++;
                    missing.lastSentNanos = nowNanos;
                    due[count++] = m.getKey();
                }
            }
            sendNacks((int) (e.getKey() >> 8), (int) (e.getKey() & 0xFF), count);
        }
    }

    private void sendNacks(int mediaId, int layer, int count) {
        int named = 0;
        while (named < count) {
            long[] rest = named == 0 ? due : java.util.Arrays.copyOfRange(due, named, count);
            feedback.clear();
            int n = Nack.encode(feedback, ownMediaId, nextSequence++, mediaId, kind, layer, rest, count - named);
            out.accept(feedback);
            nacksSent.incrementAndGet();
            sequencesNacked.addAndGet(n);
            named += n;
        }
    }

    private void requestKeyframe(int mediaId, int layer, Stream stream, long nowNanos) {
        if (stream.keyframeAsked && nowNanos - stream.keyframeAskedNanos < settings.keyframeIntervalNanos()) {
            return;
        }
        stream.keyframeAsked = true;
        stream.keyframeAskedNanos = nowNanos;
        feedback.clear();
        KeyframeRequest.encode(feedback, ownMediaId, nextSequence++, mediaId, kind, layer);
        out.accept(feedback);
        keyframeRequestsSent.incrementAndGet();
    }

    private Stream stream(int mediaId, int layer) {
        long key = ((long) mediaId << 8) | (layer & 0xFF);
        Stream stream = streams.get(key);
        if (stream == null && streams.size() < MAX_STREAMS) {
            stream = new Stream();
            streams.put(key, stream);
        }
        return stream;
    }

    /** NACK datagrams sent. */
    public long nacksSent() {
        return nacksSent.get();
    }

    /** Sequences named in NACKs, retries included. */
    public long sequencesNacked() {
        return sequencesNacked.get();
    }

    /** Datagrams that arrived after they were NACKed: the relay's retransmissions (or very late originals). */
    public long retransmissionsReceived() {
        return retransmissionsReceived.get();
    }

    /** Missing sequences given up: too old, or NACKed as often as allowed. */
    public long sequencesGivenUp() {
        return sequencesGivenUp.get();
    }

    public long keyframeRequestsSent() {
        return keyframeRequestsSent.get();
    }

    private static final class Stream {
        boolean started;
        long highest;
        /** Missing sequences in the order their gaps were seen (ascending). */
        final LinkedHashMap<Long, Missing> missing = new LinkedHashMap<>();
        /** A keyframe arrived and no frame was lost since. */
        boolean decodable;
        /** Frames that are not keyframes were seen: it needs a keyframe after a loss. */
        boolean predicted;
        boolean keyframeAsked;
        long keyframeAskedNanos;
    }

    private static final class Missing {
        final long firstSeenNanos;
        long lastSentNanos;
        int tries;

        Missing(long firstSeenNanos) {
            this.firstSeenNanos = firstSeenNanos;
        }
    }
}
