package chorus.protocol.media;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes and checks a datagram's authentication tag: HMAC-SHA256 over header and payload, keyed
 * by the participant's 32-byte media key, truncated to its first 16 bytes. Not thread-safe: one
 * instance per thread or actor, re-keyed with {@link #key(byte[])} (cheap next to a packet).
 */
public final class MediaAuthenticator {
    public static final int TAG_LENGTH = 16;
    public static final int KEY_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Mac mac;
    private final byte[] digest = new byte[32];
    private byte[] currentKey;

    public MediaAuthenticator() {
        try {
            mac = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public MediaAuthenticator(byte[] key) {
        this();
        key(key);
    }

    /** A fresh random media key. */
    public static byte[] newKey() {
        byte[] key = new byte[KEY_LENGTH];
        RANDOM.nextBytes(key);
        return key;
    }

    /** Sets the key used by {@link #sign} and {@link #verify}; skips the work when it is unchanged. */
    public MediaAuthenticator key(byte[] key) {
        if (key == currentKey) {
            return this;
        }
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("media key must be " + KEY_LENGTH + " bytes, was " + key.length);
        }
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("bad media key", e);
        }
        currentKey = key;
        return this;
    }

    /** Writes the tag over {@code [offset, offset+signedLength)} at {@code offset+signedLength}. */
    public void sign(ByteBuffer b, int offset, int signedLength) {
        computeDigest(b, offset, signedLength);
        int tagAt = offset + signedLength;
        for (int i = 0; i < TAG_LENGTH; i++) {
            b.put(tagAt + i, digest[i]);
        }
    }

    /** True when the tag after {@code [offset, offset+signedLength)} matches; constant time in the tag. */
    public boolean verify(ByteBuffer b, int offset, int signedLength) {
        computeDigest(b, offset, signedLength);
        int tagAt = offset + signedLength;
        int diff = 0;
        for (int i = 0; i < TAG_LENGTH; i++) {
            diff |= digest[i] ^ b.get(tagAt + i);
        }
        return diff == 0;
    }

    private void computeDigest(ByteBuffer b, int offset, int length) {
        ByteBuffer view = b.duplicate();
        view.limit(offset + length).position(offset);
        mac.update(view);
        try {
            mac.doFinal(digest, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
