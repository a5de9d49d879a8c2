package chorus.protocol.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Flyweight over the fixed header of a Chorus media datagram. One instance is wrapped around
 * successive buffers; nothing is allocated per packet. All fields are big-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+---------------+---------------+
 *  |         Magic 0x4348 'CH'     |    Version    |     Kind      |  0
 *  +---------------+---------------+---------------+---------------+
 *  |     Flags     |     Codec     |        Payload Length         |  4
 *  +---------------+---------------+-------------------------------+
 *  |                           Media Id                            |  8
 *  +---------------------------------------------------------------+
 *  |                        Sequence Number                        | 12
 *  +---------------------------------------------------------------+
 *  |                        Media Timestamp                        | 16
 *  +---------------------------------------------------------------+
 *  |                           Frame Id                            | 20
 *  +-------------------------------+-------------------------------+
 *  |        Fragment Index         |        Fragment Count         | 24
 *  +---------------+---------------+-------------------------------+
 *  |  Audio Level  |     Layer     |           Reserved            | 28
 *  +---------------+---------------+-------------------------------+
 *  |                                                               | 32
 *  +                 Packet Number (64 bits, unsigned)             +
 *  |                                                               | 36
 *  +---------------------------------------------------------------+
 *  |        Encrypted Payload (0..1200 bytes, AES-256-GCM) ...     | 40
 *  +---------------------------------------------------------------+
 *  |             GCM Authentication Tag (16 bytes)                 |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The header travels in clear and is the AEAD's associated data; the packet number is the
 * low 8 bytes of the nonce ({@link MediaCipher}). A "clear" datagram is header plus plaintext
 * payload with no tag: what fragmenters make and openers give back.
 */
public final class MediaHeader {
    public static final int MAGIC = 0x4348;
    public static final int VERSION = 3;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 2;
    public static final int KIND_OFFSET = 3;
    public static final int FLAGS_OFFSET = 4;
    public static final int CODEC_OFFSET = 5;
    public static final int PAYLOAD_LENGTH_OFFSET = 6;
    public static final int MEDIA_ID_OFFSET = 8;
    public static final int SEQUENCE_OFFSET = 12;
    public static final int TIMESTAMP_OFFSET = 16;
    public static final int FRAME_ID_OFFSET = 20;
    public static final int FRAGMENT_INDEX_OFFSET = 24;
    public static final int FRAGMENT_COUNT_OFFSET = 26;
    /** RFC 6464's byte: bit 7 voice activity, bits 0..6 the level in -dBov (127 = silence); audio only. */
    public static final int AUDIO_LEVEL_OFFSET = 28;
    /**
     * The simulcast layer of a camera stream: 0 is the smallest, up to {@link #MAX_LAYERS} - 1.
     * Each layer is a stream of its own (its own sequences and frame ids); 0 for every other kind.
     */
    public static final int LAYER_OFFSET = 29;
    /** Spatial layers a camera may send (simulcast): 0, 1 and 2. */
    public static final int MAX_LAYERS = 3;
    public static final int RESERVED_OFFSET = 30;
    public static final int PACKET_NUMBER_OFFSET = 32;
    public static final int HEADER_LENGTH = PACKET_NUMBER_OFFSET + 8;

    /**
     * Largest payload in one datagram: a datagram is at most 1256 bytes, an IP packet at most
     * 1304 bytes over IPv6 (1284 over IPv4), inside any Ethernet or Wi-Fi path's 1500-byte MTU.
     */
    public static final int MAX_PAYLOAD = 1200;
    public static final int TAG_LENGTH = MediaCipher.TAG_LENGTH;
    public static final int MAX_DATAGRAM = HEADER_LENGTH + MAX_PAYLOAD + TAG_LENGTH;
    public static final int MIN_DATAGRAM = HEADER_LENGTH + TAG_LENGTH;

    /** The media id of datagrams the relay makes itself (mixed audio); never given to a participant. */
    public static final int RELAY_MEDIA_ID = 0;

    /** Flag bit: the frame can be decoded without earlier frames (always set for JPEG). */
    public static final int FLAG_KEYFRAME = 0x01;

    private ByteBuffer buffer;
    private int offset;

    /** Points this flyweight at a header starting at {@code offset}; sets big-endian order on the buffer. */
    public MediaHeader wrap(ByteBuffer buffer, int offset) {
        buffer.order(ByteOrder.BIG_ENDIAN);
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    /**
     * Checks a received datagram of {@code length} bytes at {@code offset} before anything else is
     * read from it: length, magic, version, kind, payload length, fragment fields.
     *
     * @return null when the datagram is well formed, otherwise why it must be dropped
     */
    public static DropReason validate(ByteBuffer b, int offset, int length) {
        if (length < MIN_DATAGRAM) {
            return DropReason.TOO_SHORT;
        }
        if ((b.getShort(offset + MAGIC_OFFSET) & 0xFFFF) != MAGIC) {
            return DropReason.BAD_MAGIC;
        }
        if ((b.get(offset + VERSION_OFFSET) & 0xFF) != VERSION) {
            return DropReason.BAD_VERSION;
        }
        if (MediaKind.fromWire(b.get(offset + KIND_OFFSET) & 0xFF) == null) {
            return DropReason.UNKNOWN_KIND;
        }
        int payloadLength = payloadLength(b, offset);
        if (payloadLength > MAX_PAYLOAD || HEADER_LENGTH + payloadLength + TAG_LENGTH != length) {
            return DropReason.BAD_LENGTH;
        }
        int count = fragmentCount(b, offset);
        if (count == 0 || fragmentIndex(b, offset) >= count) {
            return DropReason.BAD_FRAGMENT;
        }
        if ((b.get(offset + LAYER_OFFSET) & 0xFF) >= MAX_LAYERS) {
            return DropReason.BAD_LAYER;
        }
        return null;
    }

    // ---- static readers for the hot path ----

    public static MediaKind kind(ByteBuffer b, int offset) {
        return MediaKind.fromWire(b.get(offset + KIND_OFFSET) & 0xFF);
    }

    /** The audio-level byte (RFC 6464: bit 7 voice activity, bits 0..6 -dBov); see {@code AudioLevel}. */
    public static int audioLevel(ByteBuffer b, int offset) {
        return b.get(offset + AUDIO_LEVEL_OFFSET) & 0xFF;
    }

    /** The simulcast layer (0 for anything but a camera's higher layers). */
    public static int layer(ByteBuffer b, int offset) {
        return b.get(offset + LAYER_OFFSET) & 0xFF;
    }

    public static int codec(ByteBuffer b, int offset) {
        return b.get(offset + CODEC_OFFSET) & 0xFF;
    }

    public static int flags(ByteBuffer b, int offset) {
        return b.get(offset + FLAGS_OFFSET) & 0xFF;
    }

    public static long sequence(ByteBuffer b, int offset) {
        return b.getInt(offset + SEQUENCE_OFFSET) & 0xFFFF_FFFFL;
    }

    public static int mediaId(ByteBuffer b, int offset) {
        return b.getInt(offset + MEDIA_ID_OFFSET);
    }

    public static int payloadLength(ByteBuffer b, int offset) {
        return b.getShort(offset + PAYLOAD_LENGTH_OFFSET) & 0xFFFF;
    }

    public static int fragmentIndex(ByteBuffer b, int offset) {
        return b.getShort(offset + FRAGMENT_INDEX_OFFSET) & 0xFFFF;
    }

    public static int fragmentCount(ByteBuffer b, int offset) {
        return b.getShort(offset + FRAGMENT_COUNT_OFFSET) & 0xFFFF;
    }

    /** Per-channel, per-direction counter of the datagram's sender; the nonce's low 8 bytes. */
    public static long packetNumber(ByteBuffer b, int offset) {
        return b.getLong(offset + PACKET_NUMBER_OFFSET);
    }

    /** Length of the clear datagram: header plus payload, without the tag. */
    public static int clearLength(ByteBuffer b, int offset) {
        return HEADER_LENGTH + payloadLength(b, offset);
    }

    // ---- flyweight accessors ----

    public int magic() {
        return buffer.getShort(offset + MAGIC_OFFSET) & 0xFFFF;
    }

    public int version() {
        return buffer.get(offset + VERSION_OFFSET) & 0xFF;
    }

    /** Writes magic and version: the first thing an encoder does. */
    public MediaHeader magicAndVersion() {
        buffer.putShort(offset + MAGIC_OFFSET, (short) MAGIC);
        buffer.put(offset + VERSION_OFFSET, (byte) VERSION);
        return this;
    }

    public MediaKind kind() {
        return kind(buffer, offset);
    }

    public MediaHeader kind(MediaKind kind) {
        buffer.put(offset + KIND_OFFSET, (byte) kind.wire());
        return this;
    }

    public int flags() {
        return buffer.get(offset + FLAGS_OFFSET) & 0xFF;
    }

    public MediaHeader flags(int flags) {
        buffer.put(offset + FLAGS_OFFSET, (byte) flags);
        return this;
    }

    public int codec() {
        return buffer.get(offset + CODEC_OFFSET) & 0xFF;
    }

    public MediaHeader codec(int codec) {
        buffer.put(offset + CODEC_OFFSET, (byte) codec);
        return this;
    }

    public int payloadLength() {
        return payloadLength(buffer, offset);
    }

    public MediaHeader payloadLength(int length) {
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload length " + length + " outside 0.." + MAX_PAYLOAD);
        }
        buffer.putShort(offset + PAYLOAD_LENGTH_OFFSET, (short) length);
        return this;
    }

    public int mediaId() {
        return mediaId(buffer, offset);
    }

    public MediaHeader mediaId(int id) {
        buffer.putInt(offset + MEDIA_ID_OFFSET, id);
        return this;
    }

    /** Unsigned 32-bit sequence number, per sender and kind, one per datagram. */
    public long sequence() {
        return buffer.getInt(offset + SEQUENCE_OFFSET) & 0xFFFF_FFFFL;
    }

    public MediaHeader sequence(long sequence) {
        buffer.putInt(offset + SEQUENCE_OFFSET, (int) sequence);
        return this;
    }

    /** Unsigned 32-bit media clock: 90 kHz for video and screen, 48 kHz for audio. */
    public long timestamp() {
        return buffer.getInt(offset + TIMESTAMP_OFFSET) & 0xFFFF_FFFFL;
    }

    public MediaHeader timestamp(long timestamp) {
        buffer.putInt(offset + TIMESTAMP_OFFSET, (int) timestamp);
        return this;
    }

    /** Unsigned 32-bit frame id, per sender and kind; all fragments of one frame share it. */
    public long frameId() {
        return buffer.getInt(offset + FRAME_ID_OFFSET) & 0xFFFF_FFFFL;
    }

    public MediaHeader frameId(long frameId) {
        buffer.putInt(offset + FRAME_ID_OFFSET, (int) frameId);
        return this;
    }

    public int fragmentIndex() {
        return fragmentIndex(buffer, offset);
    }

    public MediaHeader fragmentIndex(int index) {
        buffer.putShort(offset + FRAGMENT_INDEX_OFFSET, (short) index);
        return this;
    }

    public int fragmentCount() {
        return fragmentCount(buffer, offset);
    }

    public MediaHeader fragmentCount(int count) {
        buffer.putShort(offset + FRAGMENT_COUNT_OFFSET, (short) count);
        return this;
    }

    public int audioLevel() {
        return audioLevel(buffer, offset);
    }

    /** Writes the audio-level byte and clears the layer and reserved bytes. */
    public MediaHeader audioLevel(int level) {
        buffer.put(offset + AUDIO_LEVEL_OFFSET, (byte) level);
        buffer.put(offset + LAYER_OFFSET, (byte) 0);
        buffer.putShort(offset + RESERVED_OFFSET, (short) 0);
        return this;
    }

    public int layer() {
        return layer(buffer, offset);
    }

    /** Sets the simulcast layer (write it after {@link #audioLevel(int)}, which clears it). */
    public MediaHeader layer(int layer) {
        buffer.put(offset + LAYER_OFFSET, (byte) layer);
        return this;
    }

    public long packetNumber() {
        return packetNumber(buffer, offset);
    }

    public MediaHeader packetNumber(long packetNumber) {
        buffer.putLong(offset + PACKET_NUMBER_OFFSET, packetNumber);
        return this;
    }

    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }

    /** Total datagram length: header, payload and tag. */
    public int datagramLength() {
        return HEADER_LENGTH + payloadLength() + TAG_LENGTH;
    }
}
