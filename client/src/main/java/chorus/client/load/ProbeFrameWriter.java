package chorus.client.load;

import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaSealer;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.nio.ByteBuffer;

/**
 * Builds the datagrams of a synthetic frame one fragment at a time, each stamped just before it
 * is signed with the time it leaves ({@link System#nanoTime()}) and the load phase, so a receiver
 * in the same process measures one-way latency from the fragment itself. Fragment sizes follow
 * PROTOCOL.md §3.5 ({@link Fragmenter#fragmentsFor}). Not thread-safe: one per sending thread
 * and kind; the returned buffer is reused for the next fragment.
 *
 * <pre>
 * payload:  0                 8       9
 *           +-----------------+-------+---------------- ... -+
 *           | send nanos (i64)| phase |  filler (ignored)     |
 *           +-----------------+-------+---------------- ... -+
 * </pre>
 */
final class ProbeFrameWriter {
    static final int SEND_NANOS_OFFSET = 0;
    static final int PHASE_OFFSET = SEND_NANOS_OFFSET + 8;
    /** Bytes of every fragment's payload taken by the stamp. */
    static final int STAMP_LENGTH = PHASE_OFFSET + 1;

    static final int PHASE_WARM_UP = 0;
    static final int PHASE_MEASURED = 1;

    private final MediaKind kind;
    private final int codec;
    private final int flags;
    private final int frameBytes;
    private final int fragmentCount;
    private final int chunk;
    private final ByteBuffer packet = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    private final MediaHeader header = new MediaHeader().wrap(packet, 0);

    ProbeFrameWriter(MediaKind kind, int codec, int flags, int frameBytes) {
        String problem = problem(frameBytes);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        this.kind = kind;
        this.codec = codec;
        this.flags = flags;
        this.frameBytes = frameBytes;
        this.fragmentCount = Fragmenter.fragmentsFor(frameBytes);
        this.chunk = fragmentCount == 1 ? frameBytes : (frameBytes + fragmentCount - 1) / fragmentCount;
    }

    /** Why frames of this size cannot carry a stamp in every fragment, or null when they can. */
    static String problem(int frameBytes) {
        if (frameBytes < STAMP_LENGTH || frameBytes > Fragmenter.MAX_FRAME_BYTES) {
            return "frame of " + frameBytes + " bytes: must be " + STAMP_LENGTH + ".." + Fragmenter.MAX_FRAME_BYTES;
        }
        int count = Fragmenter.fragmentsFor(frameBytes);
        int chunk = count == 1 ? frameBytes : (frameBytes + count - 1) / count;
        int last = frameBytes - (count - 1) * chunk;
        if (last < STAMP_LENGTH) {
            return "frame of " + frameBytes + " bytes: its last fragment (" + last + " bytes) cannot hold the "
                    + STAMP_LENGTH + "-byte stamp";
        }
        return null;
    }

    int fragmentCount() {
        return fragmentCount;
    }

    int frameBytes() {
        return frameBytes;
    }

    int payloadLength(int index) {
        return Math.min(chunk, frameBytes - index * chunk);
    }

    /**
     * Writes fragment {@code index} of a frame, stamps it with the current time and
     * {@code phase}, and seals it; the caller holds {@code sealer}'s lock until it has sent it.
     *
     * @return the datagram, position 0 to limit; valid until the sealer's next call
     */
    ByteBuffer fragment(int mediaId, long sequence, long timestamp, long frameId, int index, int phase,
                        MediaSealer sealer) {
        int length = payloadLength(index);
        packet.clear();
        header.magicAndVersion()
                .kind(kind)
                .flags(flags)
                .codec(codec)
                .payloadLength(length)
                .mediaId(mediaId)
                .sequence(sequence)
                .timestamp(timestamp)
                .frameId(frameId)
                .fragmentIndex(index)
                .fragmentCount(fragmentCount)
                .packetNumber(0);
        int payload = MediaHeader.HEADER_LENGTH;
        packet.put(payload + PHASE_OFFSET, (byte) phase);
        // Taken last before sealing: the seal (a few µs) is the only work between stamp and send.
        packet.putLong(payload + SEND_NANOS_OFFSET, System.nanoTime());
        packet.limit(MediaHeader.HEADER_LENGTH + length).position(0);
        return sealer.seal(packet);
    }

    static long sendNanos(ByteBuffer datagram, int offset) {
        return datagram.getLong(offset + MediaHeader.HEADER_LENGTH + SEND_NANOS_OFFSET);
    }

    static int phase(ByteBuffer datagram, int offset) {
        return datagram.get(offset + MediaHeader.HEADER_LENGTH + PHASE_OFFSET) & 0xFF;
    }
}
