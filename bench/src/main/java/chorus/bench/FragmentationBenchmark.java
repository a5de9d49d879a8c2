package chorus.bench;

import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Reassembler;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** A 40 KB video frame cut into clear datagrams and put back together (sealing: MediaCipherBenchmark). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FragmentationBenchmark {
    private final byte[] frame = new byte[40_000];
    private final Fragmenter fragmenter = new Fragmenter(MediaKind.VIDEO, 7, Codec.JPEG);
    private final Reassembler reassembler = new Reassembler(8, Long.MAX_VALUE, 8 << 20);
    private final ByteBuffer copy = ByteBuffer.allocateDirect(2048);
    private Reassembler.Frame last;

    public FragmentationBenchmark() {
        new Random(1).nextBytes(frame);
    }

    @Benchmark
    public Reassembler.Frame fragmentAndReassemble40KB() {
        last = null;
        fragmenter.send(frame, 0, frame.length, 0, 0, datagram -> {
            copy.clear();
            copy.put(datagram).flip();
            Reassembler.Frame f = reassembler.offer(copy, 0, 0);
            if (f != null) {
                last = f;
            }
        });
        if (last == null) {
            throw new IllegalStateException("frame did not reassemble");
        }
        return last;
    }
}
