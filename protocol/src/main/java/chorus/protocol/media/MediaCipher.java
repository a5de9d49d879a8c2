package chorus.protocol.media;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AEAD of every media datagram (PROTOCOL.md §3.4): AES-256-GCM with the JDK's {@link Cipher}
 * (AES-NI and CLMUL intrinsics), a 16-byte tag, the 40-byte header as associated data, and a
 * 12-byte nonce made of the channel, the direction and the header's packet number:
 *
 * <pre>
 *   nonce = channel (1 byte: 1 video port, 2 audio port)
 *         ‖ direction (1 byte: 0 client to relay, 1 relay to client, 2 node to node)
 *         ‖ 0x00 0x00
 *         ‖ packet number (8 bytes, big-endian, as in the header)
 * </pre>
 *
 * A datagram therefore opens on one port in one direction only, and a header changed in any bit
 * fails. Each sender of one (key, channel, direction) numbers its datagrams with one strictly
 * increasing counter ({@link MediaSealer}), so a nonce never repeats under a key.
 *
 * <p>Works on array-backed buffers (the JDK's fastest GCM path, no copies); not thread-safe: one
 * per thread or guarded by its owner. Measured against ChaCha20-Poly1305 in the benchmarks.
 */
public final class MediaCipher {
    public static final int KEY_LENGTH = 32;
    public static final int TAG_LENGTH = 16;
    public static final int NONCE_LENGTH = 12;

    public static final int VIDEO_CHANNEL = 1;
    public static final int AUDIO_CHANNEL = 2;
    public static final int CLIENT_TO_RELAY = 0;
    public static final int RELAY_TO_CLIENT = 1;
    public static final int NODE_TO_NODE = 2;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] nonce = new byte[NONCE_LENGTH];

    public MediaCipher(byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("media key must be " + KEY_LENGTH + " bytes, was " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** A fresh random media key. */
    public static byte[] newKey() {
        byte[] key = new byte[KEY_LENGTH];
        RANDOM.nextBytes(key);
        return key;
    }

    /**
     * The key one relay node seals its node-to-node media with: HMAC-SHA256 of
     * {@code "chorus media node " + node} under the cluster secret, so every node of the cluster
     * can open it and no two nodes share a key (their packet counters are independent).
     */
    public static byte[] nodeKey(String clusterSecret, String node) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(clusterSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(("chorus media node " + node).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** The channel number of a relay port's datagrams: video (and screen) or audio. */
    public static int channelOf(MediaKind kind) {
        return kind == MediaKind.AUDIO ? AUDIO_CHANNEL : VIDEO_CHANNEL;
    }

    /**
     * Seals the clear datagram at {@code clear[0, clearLength)} (header and payload) into
     * {@code out} from 0: the header with {@code packetNumber} written into it, the encrypted
     * payload and the tag. {@code out} ends with position 0 and limit the datagram's length.
     *
     * @return the datagram's length
     */
    public int seal(ByteBuffer clear, int clearLength, long packetNumber, int channel, int direction, ByteBuffer out) {
        byte[] in = clear.array();
        int inAt = clear.arrayOffset();
        byte[] to = out.array();
        int toAt = out.arrayOffset();
        System.arraycopy(in, inAt, to, toAt, MediaHeader.HEADER_LENGTH);
        out.putLong(MediaHeader.PACKET_NUMBER_OFFSET, packetNumber);
        int payload = clearLength - MediaHeader.HEADER_LENGTH;
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, parameters(channel, direction, packetNumber));
            cipher.updateAAD(to, toAt, MediaHeader.HEADER_LENGTH);
            int n = cipher.doFinal(in, inAt + MediaHeader.HEADER_LENGTH, payload, to, toAt + MediaHeader.HEADER_LENGTH);
            int length = MediaHeader.HEADER_LENGTH + n;
            out.limit(length).position(0);
            return length;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing a media datagram failed", e);
        }
    }

    /**
     * Opens the datagram at {@code datagram[0, length)}, which has passed
     * {@link MediaHeader#validate}, into {@code clear} from 0: the header and the plaintext
     * payload. {@code clear} ends with position 0 and limit the clear length when it opened.
     *
     * @return false when it does not open with this key, channel and direction (forged, tampered,
     *         or sent to another port or in the other direction)
     */
    public boolean open(ByteBuffer datagram, int length, int channel, int direction, ByteBuffer clear) {
        byte[] in = datagram.array();
        int inAt = datagram.arrayOffset();
        byte[] to = clear.array();
        int toAt = clear.arrayOffset();
        try {
            cipher.init(Cipher.DECRYPT_MODE, key,
                    parameters(channel, direction, MediaHeader.packetNumber(datagram, 0)));
            cipher.updateAAD(in, inAt, MediaHeader.HEADER_LENGTH);
            int n = cipher.doFinal(in, inAt + MediaHeader.HEADER_LENGTH, length - MediaHeader.HEADER_LENGTH,
                    to, toAt + MediaHeader.HEADER_LENGTH);
            System.arraycopy(in, inAt, to, toAt, MediaHeader.HEADER_LENGTH);
            clear.limit(MediaHeader.HEADER_LENGTH + n).position(0);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("opening a media datagram failed", e);
        }
    }

    private GCMParameterSpec parameters(int channel, int direction, long packetNumber) {
        nonce[0] = (byte) channel;
        nonce[1] = (byte) direction;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (packetNumber >>> (56 - 8 * i));
        }
        return new GCMParameterSpec(TAG_LENGTH * 8, nonce);
    }
}
