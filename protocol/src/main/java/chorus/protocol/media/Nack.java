package chorus.protocol.media;

import java.nio.ByteBuffer;

/**
 * The payload of a {@link MediaKind#NACK} datagram: which sequences of one stream a receiver is
 * missing, as RTCP's generic NACK (RFC 4585 §6.2.1) says it with 32-bit sequences. Big-endian:
 *
 * <pre>
 *  0: u32 target media id (whose stream)     4: u8 target kind (VIDEO or SCREEN)
 *  5: u8 target layer (0..2; 0 for SCREEN)   6: u16 entry count n (1..{@value #MAX_ENTRIES})
 *  8: n entries of { u32 first lost sequence, u16 bitmask: bit i set = first + 1 + i lost too }
 * </pre>
 *
 * Payload length is exactly {@code 8 + 6n}. Static readers work on a clear datagram (header at 0).
 */
public final class Nack {
    public static final int FIXED_LENGTH = 8;
    public static final int ENTRY_LENGTH = 6;
    /** At most 64 entries: up to 1 088 sequences per datagram. */
    public static final int MAX_ENTRIES = 64;

    private Nack() {
    }

    /** Whether a clear NACK datagram's payload is well formed (length, count, kind). */
    public static boolean valid(ByteBuffer clear) {
        int length = MediaHeader.payloadLength(clear, 0);
        if (length < FIXED_LENGTH + ENTRY_LENGTH) {
            return false;
        }
        int p = MediaHeader.HEADER_LENGTH;
        int kind = clear.get(p + 4) & 0xFF;
        int count = clear.getShort(p + 6) & 0xFFFF;
        int layer = clear.get(p + 5) & 0xFF;
        return (kind == MediaKind.VIDEO.wire() && layer < MediaHeader.MAX_LAYERS
                        || kind == MediaKind.SCREEN.wire() && layer == 0)
                && count >= 1 && count <= MAX_ENTRIES && length == FIXED_LENGTH + ENTRY_LENGTH * count;
    }

    public static int targetMediaId(ByteBuffer clear) {
        return clear.getInt(MediaHeader.HEADER_LENGTH);
    }

    public static MediaKind targetKind(ByteBuffer clear) {
        return MediaKind.fromWire(clear.get(MediaHeader.HEADER_LENGTH + 4) & 0xFF);
    }

    /** The simulcast layer of the target stream (each layer has its own sequences). */
    public static int targetLayer(ByteBuffer clear) {
        return clear.get(MediaHeader.HEADER_LENGTH + 5) & 0xFF;
    }

    public static int entries(ByteBuffer clear) {
        return clear.getShort(MediaHeader.HEADER_LENGTH + 6) & 0xFFFF;
    }

    public static long firstSequence(ByteBuffer clear, int entry) {
        return clear.getInt(MediaHeader.HEADER_LENGTH + FIXED_LENGTH + ENTRY_LENGTH * entry) & 0xFFFF_FFFFL;
    }

    public static int bitmask(ByteBuffer clear, int entry) {
        return clear.getShort(MediaHeader.HEADER_LENGTH + FIXED_LENGTH + ENTRY_LENGTH * entry + 4) & 0xFFFF;
    }

    /** Calls {@code each} for every sequence an entry names, first then the bitmask's, in order. */
    public static void forEachSequence(ByteBuffer clear, SequenceConsumer each) {
        int n = entries(clear);
        for (int e = 0; e < n; e++) {
            long first = firstSequence(clear, e);
            int mask = bitmask(clear, e);
            each.accept(first);
            for (int bit = 0; bit < 16; bit++) {
                if ((mask & (1 << bit)) != 0) {
                    each.accept((first + 1 + bit) & 0xFFFF_FFFFL);
                }
            }
        }
    }

    @FunctionalInterface
    public interface SequenceConsumer {
        void accept(long sequence);
    }

    /**
     * Writes a clear NACK datagram into {@code out} at 0 asking for {@code lost} (ascending
     * modulo 2³², at most {@value #MAX_ENTRIES} entries' worth; the rest are left out).
     *
     * @return how many of {@code lost} it names
     */
    public static int encode(ByteBuffer out, int mediaId, long sequence, int targetMediaId, MediaKind targetKind,
                             long[] lost, int lostCount) {
        return encode(out, mediaId, sequence, targetMediaId, targetKind, 0, lost, lostCount);
    }

    /** As {@link #encode(ByteBuffer, int, long, int, MediaKind, long[], int)}, for one simulcast layer's stream. */
    public static int encode(ByteBuffer out, int mediaId, long sequence, int targetMediaId, MediaKind targetKind,
                             int targetLayer, long[] lost, int lostCount) {
        if (lostCount < 1) {
            throw new IllegalArgumentException("a NACK names at least one sequence");
        }
        int p = MediaHeader.HEADER_LENGTH;
        int entry = 0;
        int named = 0;
        int i = 0;
        while (i < lostCount && entry < MAX_ENTRIES) {
            long first = lost[i++] & 0xFFFF_FFFFL;
            int mask = 0;
            while (i < lostCount) {
                long delta = (lost[i] - first - 1) & 0xFFFF_FFFFL;
                if (delta >= 16) {
                    break;
                }
                mask |= 1 << delta;
                i++;
            }
            int at = p + FIXED_LENGTH + ENTRY_LENGTH * entry;
            out.putInt(at, (int) first);
            out.putShort(at + 4, (short) mask);
            entry++;
            named = i;
        }
        out.putInt(p, targetMediaId);
        out.put(p + 4, (byte) targetKind.wire());
        out.put(p + 5, (byte) targetLayer);
        out.putShort(p + 6, (short) entry);
        int payload = FIXED_LENGTH + ENTRY_LENGTH * entry;
        SignalHeader.header(out, MediaKind.NACK, mediaId, sequence, payload);
        return named;
    }
}
