package chorus.bench;

import chorus.protocol.audio.AudioFormat;
import chorus.relay.mixer.MixEngine;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One mixer tick for a room of N participants of whom 4 talk: jitter buffers, the 32-bit sum,
 * four N-1 mixes plus the shared one, limiters, and cutting each mix into signed datagrams.
 * Datagrams go to a sink that only counts them, so the figure is the mixer's own CPU, without
 * the kernel's per-datagram send cost (which the load test measures).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MixerTickBenchmark {
    private static final int TALKERS = 4;

    @Param({"10", "100", "1000"})
    public int participants;

    private MixEngine engine;
    private short[][] talk;
    private long frameId;
    private long datagrams;

    @Setup(Level.Trial)
    public void room() {
        engine = new MixEngine(1, 10, (datagram, mediaId, to) -> datagrams++);
        for (int id = 1; id <= participants; id++) {
            engine.addMember(id);
            engine.listenerAddress(id, new InetSocketAddress("127.0.0.1", 20_000 + id));
        }
        talk = new short[TALKERS][AudioFormat.FRAME_SAMPLES];
        for (int t = 0; t < TALKERS; t++) {
            for (int i = 0; i < AudioFormat.FRAME_SAMPLES; i++) {
                talk[t][i] = (short) (8000 * Math.sin(2 * Math.PI * (300 + 100 * t) * i / AudioFormat.SAMPLE_RATE));
            }
        }
    }

    @Benchmark
    public long tick() {
        for (int t = 0; t < TALKERS; t++) {
            engine.frame(t + 1, frameId, talk[t]);
        }
        frameId++;
        engine.tick();
        if (engine.talkers() != TALKERS) {
            throw new IllegalStateException("expected " + TALKERS + " talkers, mixed " + engine.talkers());
        }
        return datagrams;
    }
}
