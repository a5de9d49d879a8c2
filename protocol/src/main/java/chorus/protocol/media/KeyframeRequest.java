package chorus.protocol.media;

import java.nio.ByteBuffer;

/**
 * The payload of a {@link MediaKind#KEYFRAME_REQUEST} datagram (RTCP's PLI, RFC 4585 §6.3.1),
 * big-endian: {@code u32 target media id, u8 target kind (VIDEO or SCREEN), u8 target layer (0..2, 0 for
 * SCREEN), 2 bytes reserved (0)}.
 * From a client: "I cannot decode that stream". From the relay to a sender: "send a keyframe of
 * your stream" (the target is the sender's own media id).
 */
public final class KeyframeRequest {
    public static final int LENGTH = 8;

    private KeyframeRequest() {
    }

    public static boolean valid(ByteBuffer clear) {
        if (MediaHeader.payloadLength(clear, 0) != LENGTH) {
            return false;
        }
        int kind = clear.get(MediaHeader.HEADER_LENGTH + 4) & 0xFF;
        int layer = clear.get(MediaHeader.HEADER_LENGTH + 5) & 0xFF;
        return kind == MediaKind.VIDEO.wire() && layer < MediaHeader.MAX_LAYERS
                || kind == MediaKind.SCREEN.wire() && layer == 0;
    }

    public static int targetMediaId(ByteBuffer clear) {
        return clear.getInt(MediaHeader.HEADER_LENGTH);
    }

    public static MediaKind targetKind(ByteBuffer clear) {
        return MediaKind.fromWire(clear.get(MediaHeader.HEADER_LENGTH + 4) & 0xFF);
    }

    /** The simulcast layer whose keyframe is asked for. */
    public static int targetLayer(ByteBuffer clear) {
        return clear.get(MediaHeader.HEADER_LENGTH + 5) & 0xFF;
    }

    /** Writes a clear keyframe request into {@code out} at 0; returns its clear length. */
    public static int encode(ByteBuffer out, int mediaId, long sequence, int targetMediaId, MediaKind targetKind) {
        return encode(out, mediaId, sequence, targetMediaId, targetKind, 0);
    }

    /** A keyframe request for one simulcast layer's stream. */
    public static int encode(ByteBuffer out, int mediaId, long sequence, int targetMediaId, MediaKind targetKind,
                             int targetLayer) {
        int p = MediaHeader.HEADER_LENGTH;
        out.putInt(p, targetMediaId);
        out.put(p + 4, (byte) targetKind.wire());
        out.put(p + 5, (byte) targetLayer);
        out.putShort(p + 6, (short) 0);
        return SignalHeader.header(out, MediaKind.KEYFRAME_REQUEST, mediaId, sequence, LENGTH);
    }
}
