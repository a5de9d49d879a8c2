package chorus.protocol.media;

import chorus.protocol.audio.AudioLevel;
import java.nio.ByteBuffer;

/**
 * Cuts one sender's frames of one kind into clear datagrams (header and payload, no tag) of at
 * most {@link MediaHeader#MAX_PAYLOAD} payload bytes each, fragments of near-equal size, for the
 * sink to seal ({@link MediaSealer}, which writes the packet number) and send. Owns the stream's
 * sequence and frame counters. Not thread-safe: one per sending stream. The packet handed to the
 * sink is reused for the next one.
 */
public final class Fragmenter {
    /** Largest frame accepted: the fragment count is a 16-bit field. */
    public static final int MAX_FRAME_BYTES = 0xFFFF * MediaHeader.MAX_PAYLOAD;

    /** Receives each clear datagram, position 0 to limit; must not keep the buffer. */
    @FunctionalInterface
    public interface PacketSink {
        void accept(ByteBuffer datagram);
    }

    private final MediaKind kind;
    private final int mediaId;
    private final int codec;
    private final int layer;
    private final ByteBuffer packet = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    private final MediaHeader header = new MediaHeader().wrap(packet, 0);
    private long nextSequence;
    private long nextFrameId;

    public Fragmenter(MediaKind kind, int mediaId, int codec) {
        this(kind, mediaId, codec, 0);
    }

    /** A stream of one simulcast {@code layer} (0..{@link MediaHeader#MAX_LAYERS} - 1) of a camera. */
    public Fragmenter(MediaKind kind, int mediaId, int codec, int layer) {
        if (layer < 0 || layer >= MediaHeader.MAX_LAYERS || (layer != 0 && kind != MediaKind.VIDEO)) {
            throw new IllegalArgumentException("layer " + layer + " of " + kind);
        }
        this.kind = kind;
        this.mediaId = mediaId;
        this.codec = codec;
        this.layer = layer;
    }

    public int layer() {
        return layer;
    }

    public static int fragmentsFor(int frameLength) {
        return Math.max(1, (frameLength + MediaHeader.MAX_PAYLOAD - 1) / MediaHeader.MAX_PAYLOAD);
    }

    /**
     * Sends one frame as clear fragments.
     *
     * @return the frame id it was given
     */
    public long send(byte[] frame, int off, int len, long timestamp, int flags, PacketSink sink) {
        return send(frame, off, len, timestamp, flags, kind == MediaKind.AUDIO ? AudioLevel.SILENCE : 0, sink);
    }

    /**
     * Sends one frame as clear fragments, every one carrying {@code audioLevel} (an audio frame's
     * RFC 6464 byte, {@link AudioLevel}; 0 for other kinds).
     *
     * @return the frame id it was given
     */
    public long send(byte[] frame, int off, int len, long timestamp, int flags, int audioLevel, PacketSink sink) {
        if (len > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("frame of " + len + " bytes exceeds " + MAX_FRAME_BYTES);
        }
        int count = fragmentsFor(len);
        int chunk = count == 1 ? len : (len + count - 1) / count;
        long frameId = nextFrameId++ & 0xFFFF_FFFFL;
        for (int index = 0; index < count; index++) {
            int start = index * chunk;
            int length = Math.min(chunk, len - start);
            header.magicAndVersion()
                    .kind(kind)
                    .flags(flags)
                    .codec(codec)
                    .payloadLength(length)
                    .mediaId(mediaId)
                    .sequence(nextSequence++)
                    .timestamp(timestamp)
                    .frameId(frameId)
                    .fragmentIndex(index)
                    .fragmentCount(count)
                    .audioLevel(audioLevel)
                    .layer(layer)
                    .packetNumber(0);
            packet.clear();
            packet.position(MediaHeader.HEADER_LENGTH);
            packet.put(frame, off + start, length);
            packet.position(0).limit(MediaHeader.HEADER_LENGTH + length);
            sink.accept(packet);
        }
        return frameId;
    }

    /** Sets the id the next frame gets (the relay's mixer numbers its frames by tick). */
    public Fragmenter nextFrameId(long frameId) {
        this.nextFrameId = frameId;
        return this;
    }

    public long framesSent() {
        return nextFrameId;
    }

    public long packetsSent() {
        return nextSequence;
    }

    /** Payload of a challenge and of its response: the relay's random cookie. */
    public static final int COOKIE_LENGTH = 8;

    /**
     * Writes a clear signal datagram with no payload (hello, keepalive) into {@code out} at 0.
     *
     * @return the clear length; {@code out}'s position is 0 and its limit the length
     */
    public static int encodeSignal(ByteBuffer out, MediaKind kind, int mediaId, long sequence) {
        return encode(out, kind, mediaId, sequence, 0, false);
    }

    /** Writes a clear challenge or response carrying {@code cookie} into {@code out} at 0. */
    public static int encodeCookie(ByteBuffer out, MediaKind kind, int mediaId, long sequence, long cookie) {
        return encode(out, kind, mediaId, sequence, cookie, true);
    }

    /** The cookie of a clear challenge or response (its payload; the caller checked its length). */
    public static long cookie(ByteBuffer clear) {
        return clear.getLong(MediaHeader.HEADER_LENGTH);
    }

    private static int encode(ByteBuffer out, MediaKind kind, int mediaId, long sequence, long cookie, boolean withCookie) {
        out.clear();
        if (withCookie) {
            out.putLong(MediaHeader.HEADER_LENGTH, cookie);
        }
        return SignalHeader.header(out, kind, mediaId, sequence, withCookie ? COOKIE_LENGTH : 0);
    }
}
