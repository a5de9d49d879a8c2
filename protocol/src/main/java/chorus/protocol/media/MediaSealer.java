package chorus.protocol.media;

import java.nio.ByteBuffer;

/**
 * One sender's side of one (key, channel, direction): the strictly increasing packet counter
 * that keeps every nonce under the key unique, and the buffer sealed datagrams are written to.
 * Not thread-safe: a sender that seals from several threads holds this object's lock around
 * sealing and sending the result (the returned buffer is reused by the next call).
 */
public final class MediaSealer {
    private final MediaCipher cipher;
    private final int channel;
    private final int direction;
    private final ByteBuffer out = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    /** A direct clear datagram is copied here first (made on first use). */
    private ByteBuffer staging;
    private long nextPacketNumber;

    public MediaSealer(byte[] key, int channel, int direction) {
        this(key, channel, direction, 0);
    }

    /**
     * A sealer whose first packet number is {@code firstPacketNumber}: for a key that outlives
     * the sender (a relay node's, derived from the cluster secret and its address), a start the
     * sender's restart cannot repeat.
     */
    public MediaSealer(byte[] key, int channel, int direction, long firstPacketNumber) {
        this.cipher = new MediaCipher(key);
        this.channel = channel;
        this.direction = direction;
        this.nextPacketNumber = firstPacketNumber;
    }

    /** Seals the clear datagram from {@code clear}'s position 0 to its limit; the result is valid until the next call. */
    public ByteBuffer seal(ByteBuffer clear) {
        ByteBuffer source = clear;
        if (!clear.hasArray()) {
            // a direct buffer (a sender's own): copied once into the output buffer's twin
            source = staging(clear);
        }
        cipher.seal(source, clear.limit(), nextPacketNumber++, channel, direction, out);
        return out;
    }

    private ByteBuffer staging(ByteBuffer direct) {
        if (staging == null) {
            staging = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        }
        staging.clear();
        staging.put(0, direct, 0, direct.limit());
        return staging;
    }

    /** Datagrams sealed so far; the next one gets this packet number. */
    public long packetsSealed() {
        return nextPacketNumber;
    }
}
