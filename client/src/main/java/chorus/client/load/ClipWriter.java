package chorus.client.load;

import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaSealer;
import java.nio.ByteBuffer;

/**
 * Builds the sealed datagrams of one clip frame a fragment at a time, fragment sizes as
 * PROTOCOL.md §3.5 says ({@code Fragmenter}'s near-equal rule), the payload untouched: what the
 * relay forwards or mixes is the clip's real encoder output. Not thread-safe: one per sending
 * thread and kind; the returned buffer is reused for the next fragment.
 */
final class ClipWriter {
    private final MediaClip clip;
    private final ByteBuffer packet = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    private final MediaHeader header = new MediaHeader().wrap(packet, 0);

    ClipWriter(MediaClip clip) {
        this.clip = clip;
    }

    MediaClip clip() {
        return clip;
    }

    static int payloadLength(MediaClip.Frame frame, int index) {
        int count = frame.fragments();
        int length = frame.data().length;
        int chunk = count == 1 ? length : (length + count - 1) / count;
        return Math.min(chunk, length - index * chunk);
    }

    /**
     * Writes fragment {@code index} of {@code frame} and seals it; the caller holds {@code sealer}'s
     * lock until it has sent it.
     *
     * @return the datagram, position 0 to limit; valid until the sealer's next call
     */
    ByteBuffer fragment(MediaClip.Frame frame, int mediaId, long sequence, long timestamp, long frameId, int index,
                        MediaSealer sealer) {
        int count = frame.fragments();
        int length = frame.data().length;
        int chunk = count == 1 ? length : (length + count - 1) / count;
        int start = index * chunk;
        int payload = Math.min(chunk, length - start);
        packet.clear();
        header.magicAndVersion()
                .kind(clip.kind())
                .flags(frame.flags())
                .codec(clip.codec())
                .payloadLength(payload)
                .mediaId(mediaId)
                .sequence(sequence)
                .timestamp(timestamp)
                .frameId(frameId)
                .fragmentIndex(index)
                .fragmentCount(count)
                .audioLevel(frame.audioLevel())
                .packetNumber(0);
        packet.position(MediaHeader.HEADER_LENGTH);
        packet.put(frame.data(), start, payload);
        packet.limit(MediaHeader.HEADER_LENGTH + payload).position(0);
        return sealer.seal(packet);
    }
}
