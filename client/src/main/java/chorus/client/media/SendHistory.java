package chorus.client.media;

import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Nack;
import chorus.protocol.media.RetransmissionBuffer;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The camera and screen datagrams this client sent lately (500 ms, at most 512 datagrams and
 * 512 KiB per stream; each camera layer a stream of its own, as NACKs name it), to resend what the relay NACKs: what this client's own path lost before
 * the relay, which no receiver could get from the relay's buffer. Sending threads store, the video
 * receive thread answers; both lock this object.
 */
public final class SendHistory {
    private static final long MAX_AGE_NANOS = 500_000_000L;
    private static final int MAX_DATAGRAMS = 512;
    private static final int MAX_BYTES = 512 << 10;

    private final int mediaId;
    /** One per camera layer: each layer has its own sequences. */
    private final RetransmissionBuffer[] video = new RetransmissionBuffer[MediaHeader.MAX_LAYERS];
    private final RetransmissionBuffer screen = new RetransmissionBuffer(MAX_AGE_NANOS, MAX_DATAGRAMS, MAX_BYTES);
    private final ByteBuffer copy = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong notHeld = new AtomicLong();

    public SendHistory(int mediaId) {
        this.mediaId = mediaId;
        for (int i = 0; i < video.length; i++) {
            video[i] = new RetransmissionBuffer(MAX_AGE_NANOS, MAX_DATAGRAMS, MAX_BYTES);
        }
    }

    /** The buffer of {@code kind}'s stream at {@code layer} (a header's layer is checked on the way in: 0..2). */
    private RetransmissionBuffer buffer(MediaKind kind, int layer) {
        return kind == MediaKind.SCREEN ? screen : video[Math.min(layer, video.length - 1)];
    }

    /** A clear datagram about to be sent on the video socket: kept when it is camera or screen. */
    public synchronized void sent(ByteBuffer clear, long nowNanos) {
        MediaKind kind = MediaHeader.kind(clear, 0);
        if (kind == MediaKind.VIDEO || kind == MediaKind.SCREEN) {
            buffer(kind, MediaHeader.layer(clear, 0)).store(clear, nowNanos);
        }
    }

    /**
     * A NACK from the relay (opened, on the video socket): the datagrams it names that are still
     * held go to {@code out} again (the socket seals them with fresh packet numbers).
     *
     * @return whether it was a NACK for one of this client's streams
     */
    public synchronized boolean onNack(ByteBuffer nack, Fragmenter.PacketSink out, long nowNanos) {
        if (!Nack.valid(nack) || Nack.targetMediaId(nack) != mediaId) {
            return false;
        }
        RetransmissionBuffer buffer = buffer(Nack.targetKind(nack), Nack.targetLayer(nack));
        Nack.forEachSequence(nack, sequence -> {
            if (buffer.copy(sequence, copy, nowNanos)) {
                out.accept(copy);
                resent.incrementAndGet();
            } else {
                notHeld.incrementAndGet();
            }
        });
        return true;
    }

    /** Datagrams sent again because the relay asked. */
    public long resent() {
        return resent.get();
    }

    /** Sequences the relay asked for that were no longer held. */
    public long notHeld() {
        return notHeld.get();
    }
}
