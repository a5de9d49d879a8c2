package chorus.bench;

import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.Blackhole;

/** The media header flyweight: writing every field, validating and reading them, and opening a datagram. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MediaHeaderBenchmark {
    private final ByteBuffer datagram = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    private final ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    private final MediaHeader header = new MediaHeader();
    private final MediaCipher cipher = new MediaCipher(MediaCipher.newKey());
    private long sequence;

    @Setup
    public void fill() {
        header.wrap(clear, 0);
        encode();
        cipher.seal(clear, MediaHeader.clearLength(clear, 0), 1, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY,
                datagram);
        header.wrap(datagram, 0);
    }

    @Benchmark
    public MediaHeader encode() {
        return header.magicAndVersion().kind(MediaKind.VIDEO).flags(MediaHeader.FLAG_KEYFRAME).codec(Codec.JPEG)
                .payloadLength(MediaHeader.MAX_PAYLOAD).mediaId(42).sequence(sequence++).timestamp(90_000)
                .frameId(sequence >> 5).fragmentIndex(3).fragmentCount(34);
    }

    @Benchmark
    public void decode(Blackhole bh) {
        bh.consume(MediaHeader.validate(datagram, 0, MediaHeader.MAX_DATAGRAM));
        bh.consume(MediaHeader.kind(datagram, 0));
        bh.consume(MediaHeader.mediaId(datagram, 0));
        bh.consume(header.sequence());
        bh.consume(header.frameId());
        bh.consume(header.fragmentIndex());
        bh.consume(header.fragmentCount());
    }

    /** AES-256-GCM open of a full 1,252-byte datagram: the relay's per-datagram cost of trust. */
    @Benchmark
    public boolean openFullDatagram() {
        return cipher.open(datagram, MediaHeader.MAX_DATAGRAM, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, clear);
    }
}
