package chorus.protocol.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class MediaCipherTest {
    private final byte[] key = new byte[32];

    MediaCipherTest() {
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
    }

    private static ByteBuffer hello() {
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        Fragmenter.encodeSignal(clear, MediaKind.HELLO, 0x0001_0002, 0);
        return clear;
    }

    @Test
    void aDatagramOpensOnlyOnItsOwnChannelAndInItsOwnDirection() {
        ByteBuffer d = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        new MediaCipher(key).seal(hello(), MediaHeader.HEADER_LENGTH, 7, MediaCipher.AUDIO_CHANNEL,
                MediaCipher.CLIENT_TO_RELAY, d);
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        MediaCipher opener = new MediaCipher(key);
        assertTrue(opener.open(d, d.limit(), MediaCipher.AUDIO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, clear));
        assertFalse(opener.open(d, d.limit(), MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, clear),
                "copied to the video port");
        assertFalse(opener.open(d, d.limit(), MediaCipher.AUDIO_CHANNEL, MediaCipher.RELAY_TO_CLIENT, clear),
                "reflected back to the client");
        assertFalse(opener.open(d, d.limit(), MediaCipher.AUDIO_CHANNEL, MediaCipher.NODE_TO_NODE, clear));
    }

    /** PROTOCOL.md Appendix A.5: the same bytes from the JDK's AES-GCM used directly, nonce and AD as specified. */
    @Test
    void sealingIsAesGcmWithTheSpecifiedNonceAndAssociatedData() throws Exception {
        ByteBuffer d = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        new MediaCipher(key).seal(hello(), MediaHeader.HEADER_LENGTH, 1, MediaCipher.VIDEO_CHANNEL,
                MediaCipher.CLIENT_TO_RELAY, d);
        byte[] header = new byte[MediaHeader.HEADER_LENGTH];
        d.get(0, header);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] nonce = HexFormat.of().parseHex("010000000000000000000001");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        gcm.updateAAD(header);
        byte[] tag = gcm.doFinal();
        byte[] sent = new byte[MediaHeader.TAG_LENGTH];
        d.get(MediaHeader.HEADER_LENGTH, sent);
        assertArrayEquals(tag, sent);
        assertEquals("43480304000000000001000200000000000000000000000000000001000000000000000000000001"
                        + HexFormat.of().formatHex(tag),
                HexFormat.of().formatHex(d.array(), 0, d.limit()));
    }

    @Test
    void thePayloadIsNotSentInClear() {
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        byte[] secret = "the chorus rehearses at nine".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        new Fragmenter(MediaKind.VIDEO, 3, Codec.JPEG).send(secret, 0, secret.length, 0, 0, c -> clear.put(0, c, 0, c.limit()).limit(c.limit()));
        ByteBuffer d = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        new MediaCipher(key).seal(clear, clear.limit(), 0, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, d);
        String wire = new String(d.array(), 0, d.limit(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(wire.contains("chorus"), "plaintext visible on the wire");
        assertNotEquals(MediaHeader.clearLength(clear, 0), d.limit());
        assertEquals(clear.limit() + MediaHeader.TAG_LENGTH, d.limit());
    }

    @Test
    void nodeKeysDifferPerNodeAndAgreeAcrossNodes() {
        assertArrayEquals(MediaCipher.nodeKey("s3cret", "pekko://chorus@10.0.0.1:25520"),
                MediaCipher.nodeKey("s3cret", "pekko://chorus@10.0.0.1:25520"));
        assertFalse(java.util.Arrays.equals(MediaCipher.nodeKey("s3cret", "pekko://chorus@10.0.0.1:25520"),
                MediaCipher.nodeKey("s3cret", "pekko://chorus@10.0.0.2:25520")));
        assertFalse(java.util.Arrays.equals(MediaCipher.nodeKey("s3cret", "a"), MediaCipher.nodeKey("other", "a")));
    }
}
