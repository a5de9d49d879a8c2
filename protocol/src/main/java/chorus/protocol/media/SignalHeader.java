package chorus.protocol.media;

import java.nio.ByteBuffer;

/**
 * The header of every datagram the protocol itself makes (hello, keepalive, challenge, response,
 * NACK, keyframe request): one fragment, codec NONE, frame id = sequence, no level.
 */
final class SignalHeader {
    private SignalHeader() {
    }

    /** Writes the header of a clear signal datagram whose payload is already in {@code out}; returns its length. */
    static int header(ByteBuffer out, MediaKind kind, int mediaId, long sequence, int payload) {
        new MediaHeader().wrap(out, 0)
                .magicAndVersion()
                .kind(kind)
                .flags(0)
                .codec(Codec.NONE)
                .payloadLength(payload)
                .mediaId(mediaId)
                .sequence(sequence)
                .timestamp(0)
                .frameId(sequence)
                .fragmentIndex(0)
                .fragmentCount(1)
                .audioLevel(0)
                .packetNumber(0);
        out.position(0).limit(MediaHeader.HEADER_LENGTH + payload);
        return MediaHeader.HEADER_LENGTH + payload;
    }
}
