package chorus.protocol.media;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Computes and checks a datagram's authentication tag: HMAC-SHA256 over header and payload, keyed
 * by the participant's 32-byte media key, truncated to its first 16 bytes. Not thread-safe: one
 * instance per thread or actor, re-keyed with {@link #key(byte[])} (cheap next to a packet).
 *
 * <p>HMAC (RFC 2104) is built here on the JDK's SHA-256 {@link MessageDigest} rather than taken
 * from {@code javax.crypto.Mac}, because every {@code Mac.doFinal} allocates its digest (the JDK's
 * HMAC provider returns a new array), and this runs once per datagram on the relay's receive
 * threads: this way a tag costs no garbage. The same hash does the work (with the JDK's SHA
 * intrinsics); {@code MediaAuthenticatorTest} checks its tags against {@code Mac}.
 */
public final class MediaAuthenticator {
    public static final int TAG_LENGTH = 16;
    public static final int KEY_LENGTH = 32;
    private static final int BLOCK_LENGTH = 64;
    private static final int DIGEST_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MessageDigest sha256;
    /** The key XOR ipad and XOR opad, each one SHA-256 block (a 32-byte key is zero-padded). */
    private final byte[] innerPad = new byte[BLOCK_LENGTH];
    private final byte[] outerPad = new byte[BLOCK_LENGTH];
    private final byte[] digest = new byte[DIGEST_LENGTH];
    /** Bytes of a buffer without an accessible array (direct, read-only) are hashed through here. */
    private final byte[] chunk = new byte[MediaHeader.MAX_DATAGRAM];
    private byte[] currentKey;

    public MediaAuthenticator() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
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
        for (int i = 0; i < BLOCK_LENGTH; i++) {
            byte k = i < key.length ? key[i] : 0;
            innerPad[i] = (byte) (k ^ 0x36);
            outerPad[i] = (byte) (k ^ 0x5c);
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

    /** HMAC-SHA256 of the bytes into {@link #digest}; leaves the buffer's position and limit alone. */
    private void computeDigest(ByteBuffer b, int offset, int length) {
        if (currentKey == null) {
            throw new IllegalStateException("no media key set");
        }
        Objects.checkFromIndexSize(offset, length, b.limit());
        sha256.update(innerPad);
        if (b.hasArray()) {
            sha256.update(b.array(), b.arrayOffset() + offset, length);
        } else {
            for (int at = 0; at < length; at += chunk.length) {
                int n = Math.min(chunk.length, length - at);
                b.get(offset + at, chunk, 0, n);
                sha256.update(chunk, 0, n);
            }
        }
        try {
            sha256.digest(digest, 0, DIGEST_LENGTH);
            sha256.update(outerPad);
            sha256.update(digest);
            sha256.digest(digest, 0, DIGEST_LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }
}
