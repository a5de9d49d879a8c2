package chorus.protocol.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The tag is HMAC-SHA256/128 exactly as the JDK's {@code Mac} computes it, in every kind of buffer. */
class MediaAuthenticatorTest {
    private final Random random = new Random(11);

    private static byte[] reference(byte[] key, byte[] data, int offset, int length) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update(data, offset, length);
        return Arrays.copyOf(mac.doFinal(), MediaAuthenticator.TAG_LENGTH);
    }

    private static byte[] tagAt(ByteBuffer b, int at) {
        byte[] tag = new byte[MediaAuthenticator.TAG_LENGTH];
        b.get(at, tag);
        return tag;
    }

    @Test
    void tagsAreTheJdkHmacSha256TruncatedForEveryLengthInHeapAndDirectBuffers() throws Exception {
        byte[] key = MediaAuthenticator.newKey();
        MediaAuthenticator auth = new MediaAuthenticator(key);
        for (int length = 0; length <= MediaHeader.MAX_DATAGRAM + 100; length += 1 + length / 50) {
            int offset = random.nextInt(40);
            byte[] data = new byte[offset + length + MediaAuthenticator.TAG_LENGTH];
            random.nextBytes(data);
            byte[] expected = reference(key, data, offset, length);
            for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.wrap(data.clone()),
                    ByteBuffer.allocateDirect(data.length).put(data).clear(),
                    ByteBuffer.wrap(data.clone(), 3, data.length - 3).slice()}) {
                int at = b.capacity() == data.length ? offset : offset - 3;
                if (at < 0) {
                    continue;
                }
                auth.sign(b, at, length);
                assertArrayEquals(expected, tagAt(b, at + length), "length " + length + " in " + b);
                assertTrue(auth.verify(b, at, length));
                assertTrue(auth.verify(b.asReadOnlyBuffer(), at, length), "a read-only view verifies too");
                assertEquals(0, b.position(), "position untouched");
                assertEquals(b.capacity(), b.limit(), "limit untouched");
            }
        }
    }

    @Test
    void aWrongTagOrAnotherKeyFailsAndReKeyingSwitchesKeys() {
        byte[] ada = MediaAuthenticator.newKey();
        byte[] bob = MediaAuthenticator.newKey();
        ByteBuffer b = ByteBuffer.allocateDirect(MediaHeader.MAX_DATAGRAM);
        MediaAuthenticator auth = new MediaAuthenticator(ada);
        auth.sign(b, 0, MediaHeader.MAX_DATAGRAM - MediaAuthenticator.TAG_LENGTH);
        int signed = MediaHeader.MAX_DATAGRAM - MediaAuthenticator.TAG_LENGTH;
        assertTrue(auth.verify(b, 0, signed));
        assertFalse(auth.key(bob).verify(b, 0, signed), "Bob's key does not verify Ada's tag");
        assertTrue(auth.key(ada).verify(b, 0, signed), "back to Ada's key");
        b.put(signed + 15, (byte) (b.get(signed + 15) ^ 1));
        assertFalse(auth.verify(b, 0, signed), "last tag byte flipped");
    }

    @Test
    void bytesOutsideTheBufferAreRefusedNotHashed() {
        MediaAuthenticator auth = new MediaAuthenticator(MediaAuthenticator.newKey());
        ByteBuffer b = ByteBuffer.allocate(100).limit(50);
        assertThrows(IndexOutOfBoundsException.class, () -> auth.verify(b, 10, 60));
        assertThrows(IllegalStateException.class, () -> new MediaAuthenticator().verify(b, 0, 10), "no key, no tag");
    }
}
