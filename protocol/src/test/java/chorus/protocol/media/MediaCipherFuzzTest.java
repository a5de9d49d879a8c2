package chorus.protocol.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Fuzz target: {@link MediaCipher#open} on what a receiver can be sent, after
 * {@link MediaHeader#validate} as in the relay: arbitrary bytes, or a datagram sealed here from a
 * fuzzed clear datagram under one of three keys (two a bit apart), a channel and a direction, then
 * perhaps tampered with, and opened with a fuzzed key, channel and direction. Opening refuses with
 * {@code false} and nothing else; the untampered datagram opens exactly under the key, channel and
 * direction it was sealed with, and gives back the clear datagram that was sealed (seal then open
 * is the identity, the packet number written in); a changed one never opens; arbitrary bytes that
 * open are what sealing gives under the key, channel and direction they opened with. Seeds in {@code MediaCipherFuzzTestInputs/}.
 */
class MediaCipherFuzzTest {
    private static final byte[][] KEYS = keys();
    /** One opener per key for every run, as a receive thread keeps its own. */
    private static final MediaCipher[] OPENERS = {
        new MediaCipher(KEYS[0]), new MediaCipher(KEYS[1]), new MediaCipher(KEYS[2])
    };
    private static final int[] CHANNELS = {MediaCipher.VIDEO_CHANNEL, MediaCipher.AUDIO_CHANNEL};
    private static final int[] DIRECTIONS = {
        MediaCipher.CLIENT_TO_RELAY, MediaCipher.RELAY_TO_CLIENT, MediaCipher.NODE_TO_NODE
    };
    /** Room before and after the datagram in its array: a buffer need not start the array. */
    private static final int LEAD = 7;

    @FuzzTest(maxDuration = "10s")
    void openingSealedTamperedAndArbitraryDatagrams(FuzzedDataProvider data) {
        int key = data.consumeInt(0, KEYS.length - 1);
        int channel = CHANNELS[data.consumeInt(0, CHANNELS.length - 1)];
        int direction = DIRECTIONS[data.consumeInt(0, DIRECTIONS.length - 1)];
        // Most opens use what it was sealed with, so that both verdicts are common.
        int openKey = data.consumeBoolean() ? key : data.consumeInt(0, KEYS.length - 1);
        int openChannel = data.consumeBoolean() ? channel : CHANNELS[data.consumeInt(0, CHANNELS.length - 1)];
        int openDirection = data.consumeBoolean() ? direction : DIRECTIONS[data.consumeInt(0, DIRECTIONS.length - 1)];

        byte[] clear = null; // the clear datagram sealed, packet number written in; null for arbitrary bytes
        boolean tampered = false;
        byte[] datagram;
        if (data.consumeBoolean()) {
            datagram = data.consumeBytes(MediaHeader.MAX_DATAGRAM + 1);
        } else {
            ByteBuffer clearBuffer = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
            int clearLength = clearDatagram(data, clearBuffer);
            long packetNumber = data.consumeLong(0, Long.MAX_VALUE);
            ByteBuffer sealed = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
            // A sealer of its own: the JDK refuses (rightly) to seal twice in a row under one key and nonce.
            int length = new MediaCipher(KEYS[key]).seal(clearBuffer, clearLength, packetNumber, channel, direction,
                    sealed);
            assertEquals(clearLength + MediaHeader.TAG_LENGTH, length, "sealing adds the tag and nothing else");
            assertEquals(length, sealed.limit());
            assertNull(MediaHeader.validate(sealed, 0, length), "a sealed datagram fails validation");
            assertEquals(packetNumber, MediaHeader.packetNumber(sealed, 0), "the packet number sealed with");
            clearBuffer.putLong(MediaHeader.PACKET_NUMBER_OFFSET, packetNumber);
            clear = Arrays.copyOf(clearBuffer.array(), clearLength);
            byte[] original = Arrays.copyOf(sealed.array(), length);
            datagram = original.clone();
            int changes = data.consumeInt(0, 3);
            for (int i = 0; i < changes; i++) {
                datagram[data.consumeInt(0, length - 1)] ^= (byte) data.consumeInt(1, 255);
            }
            tampered = !Arrays.equals(original, datagram); // the changes may cancel out
        }

        // The relay's receive buffer: the datagram somewhere in a larger array.
        int length = datagram.length;
        byte[] received = new byte[LEAD + length + LEAD];
        Arrays.fill(received, (byte) 0x5A);
        System.arraycopy(datagram, 0, received, LEAD, length);
        ByteBuffer in = ByteBuffer.wrap(received, LEAD, length + LEAD).slice();
        if (MediaHeader.validate(in, 0, length) != null) {
            assertTrue(clear == null || tampered, "a datagram sealed here fails validation");
            return; // dropped before it is opened (MediaHeaderFuzzTest's part)
        }
        ByteBuffer out = ByteBuffer.wrap(new byte[LEAD + MediaHeader.MAX_DATAGRAM]).position(LEAD).slice();
        boolean opened = OPENERS[openKey].open(in, length, openChannel, openDirection, out);

        byte[] got = null; // the clear datagram it opened to
        if (opened) {
            assertEquals(0, out.position());
            got = new byte[out.limit()];
            out.get(0, got);
        }
        if (tampered) {
            // Up to three bytes from a sealed datagram: another valid one would need a forged tag.
            assertFalse(opened, "opened a datagram changed after sealing");
            return;
        }
        if (clear == null) {
            // Arbitrary bytes open only by forging a 128-bit tag, or by being a sealed datagram after
            // all: libFuzzer learns the byte strings a target compares (the sealed datagram is, above)
            // and puts them in its inputs. So what opens must be exactly what sealing its clear
            // datagram again under the key, channel and direction it opened with gives.
            if (opened) {
                ByteBuffer again = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
                int n = new MediaCipher(KEYS[openKey]).seal(ByteBuffer.wrap(got), got.length,
                        MediaHeader.packetNumber(ByteBuffer.wrap(got), 0), openChannel, openDirection, again);
                assertArrayEquals(datagram, Arrays.copyOf(again.array(), n),
                        "opened a datagram not sealed with the key, channel and direction it was opened with");
            }
            return;
        }
        boolean sameBinding = openKey == key && openChannel == channel && openDirection == direction;
        assertEquals(sameBinding, opened, "key, channel, direction sealed " + key + "/" + channel + "/" + direction
                + ", opened with " + openKey + "/" + openChannel + "/" + openDirection);
        if (opened) {
            assertArrayEquals(clear, got, "seal then open gives back another datagram");
        }
    }

    /** A well-formed clear datagram (header and payload) from fuzzed fields; its length. */
    private static int clearDatagram(FuzzedDataProvider data, ByteBuffer buffer) {
        int count = data.consumeInt(1, 0xFFFF);
        byte[] payload = data.consumeBytes(data.consumeInt(0, MediaHeader.MAX_PAYLOAD));
        new MediaHeader().wrap(buffer, 0)
                .magicAndVersion()
                .kind(MediaKind.values()[data.consumeInt(0, MediaKind.values().length - 1)])
                .flags(data.consumeInt(0, 255))
                .codec(data.consumeInt(0, 255))
                .payloadLength(payload.length)
                .mediaId(data.consumeInt())
                .sequence(data.consumeInt())
                .timestamp(data.consumeInt())
                .frameId(data.consumeInt())
                .fragmentIndex(data.consumeInt(0, count - 1))
                .fragmentCount(count)
                .packetNumber(data.consumeLong()); // whatever it holds, sealing writes the packet number
        buffer.put(MediaHeader.HEADER_LENGTH, payload);
        return MediaHeader.HEADER_LENGTH + payload.length;
    }

    private static byte[][] keys() {
        byte[] a = new byte[MediaCipher.KEY_LENGTH];
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) (i * 37 + 11);
        }
        byte[] b = a.clone();
        b[MediaCipher.KEY_LENGTH - 1] ^= 1; // a bit apart
        byte[] c = new byte[MediaCipher.KEY_LENGTH];
        return new byte[][] {a, b, c};
    }
}
