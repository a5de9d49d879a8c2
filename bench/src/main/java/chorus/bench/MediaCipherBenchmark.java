package chorus.bench;

import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.MediaSealer;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of protecting one full video datagram (1,200 bytes of payload, the 36-byte header as
 * associated data): the relay's hop-by-hop work per datagram is one open and one seal per
 * receiver. AES-256-GCM (what Chorus uses) beside ChaCha20-Poly1305, both through the JDK's
 * {@link Cipher} with a fresh nonce per datagram. Run with {@code -prof gc}:
 * {@code gc.alloc.rate.norm} is the garbage per datagram.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MediaCipherBenchmark {
    private final byte[] key = MediaCipher.newKey();
    private final ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    private final ByteBuffer opened = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    private final ByteBuffer sealed = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    private final MediaSealer sealer = new MediaSealer(key, MediaCipher.VIDEO_CHANNEL, MediaCipher.RELAY_TO_CLIENT);
    private final MediaCipher opener = new MediaCipher(key);
    private final byte[] chachaNonce = new byte[12];
    private final byte[] chachaOut = new byte[MediaHeader.MAX_DATAGRAM];
    private Cipher chacha;
    private SecretKeySpec chachaKey;
    private long packetNumber;

    @Setup
    public void setUp() throws GeneralSecurityException {
        new MediaHeader().wrap(clear, 0).magicAndVersion().kind(MediaKind.VIDEO).flags(MediaHeader.FLAG_KEYFRAME)
                .codec(Codec.JPEG).payloadLength(MediaHeader.MAX_PAYLOAD).mediaId(42).sequence(1).timestamp(90_000)
                .frameId(1).fragmentIndex(0).fragmentCount(12).packetNumber(0);
        byte[] payload = new byte[MediaHeader.MAX_PAYLOAD];
        new Random(1).nextBytes(payload);
        clear.put(MediaHeader.HEADER_LENGTH, payload).limit(MediaHeader.HEADER_LENGTH + MediaHeader.MAX_PAYLOAD);
        new MediaCipher(key).seal(clear, clear.limit(), 7, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, sealed);
        chacha = Cipher.getInstance("ChaCha20-Poly1305");
        chachaKey = new SecretKeySpec(key, "ChaCha20");
        if (!open()) {
            throw new IllegalStateException("the prepared datagram must open");
        }
    }

    /** AES-256-GCM seal with the next packet number, as the relay does once per receiver. */
    @Benchmark
    public ByteBuffer sealAesGcm() {
        return sealer.seal(clear);
    }

    /** AES-256-GCM open of the same datagram (the replay window is the caller's; not checked here). */
    @Benchmark
    public boolean open() {
        return opener.open(sealed, sealed.limit(), MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, opened);
    }

    /** The same seal with ChaCha20-Poly1305 (JDK 17, no intrinsic), for the comparison. */
    @Benchmark
    public int sealChaCha20Poly1305() throws GeneralSecurityException {
        long n = packetNumber++;
        for (int i = 0; i < 8; i++) {
            chachaNonce[4 + i] = (byte) (n >>> (56 - 8 * i));
        }
        chacha.init(Cipher.ENCRYPT_MODE, chachaKey, new IvParameterSpec(chachaNonce));
        chacha.updateAAD(clear.array(), 0, MediaHeader.HEADER_LENGTH);
        return chacha.doFinal(clear.array(), MediaHeader.HEADER_LENGTH, MediaHeader.MAX_PAYLOAD, chachaOut, 0);
    }
}
