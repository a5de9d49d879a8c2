package chorus.bench;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.AudioLevel;
import chorus.protocol.audio.OpusFormat;
import chorus.protocol.media.Codec;
import chorus.relay.mixer.MixEngine;
import chorus.relay.mixer.TalkerSelection;
import io.github.jaredmdobson.concentus.OpusEncoder;
import java.net.InetSocketAddress;
import java.util.Arrays;
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
 * One mixer tick with Opus for a room of N participants of whom 3 talk (K = 3): the playout
 * queues, the selection by header level, three Opus decodes, the 32-bit sum, three N-1 mixes and
 * the shared one, limiters, four Opus encodes (every listener takes Opus), and cutting each into
 * datagrams for a sink that only counts them. The talkers' packets are real Opus, encoded once at
 * set-up and looped, so the figure is the relay's work alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MixerOpusTickBenchmark {
    private static final int TALKERS = 3;
    /** Two seconds of each talker, looped. */
    private static final int LOOP_FRAMES = 100;

    @Param({"10", "1000"})
    public int participants;

    private MixEngine engine;
    private MixEngine.EncodedFrame[][] talk;
    private long frameId;
    private long datagrams;

    @Setup(Level.Trial)
    public void room() {
        engine = new MixEngine(1, 10, new TalkerSelection(TALKERS, 6, 5, 25), OpusFormat.DEFAULT_BITRATE,
                (datagram, mediaId, to) -> datagrams++);
        for (int id = 1; id <= participants; id++) {
            engine.addMember(id);
            engine.listenerAddress(id, new InetSocketAddress("127.0.0.1", 20_000 + id), Codec.OPUS);
        }
        talk = new MixEngine.EncodedFrame[TALKERS][LOOP_FRAMES];
        short[] samples = new short[AudioFormat.FRAME_SAMPLES];
        byte[] packet = new byte[OpusFormat.MAX_PACKET_BYTES];
        for (int t = 0; t < TALKERS; t++) {
            OpusEncoder encoder = OpusFormat.newParticipantEncoder(OpusFormat.DEFAULT_BITRATE);
            for (int f = 0; f < LOOP_FRAMES; f++) {
                for (int i = 0; i < samples.length; i++) {
                    long n = (long) f * samples.length + i;
                    samples[i] = (short) (8000 * Math.sin(2 * Math.PI * (300 + 100 * t) * n / AudioFormat.SAMPLE_RATE));
                }
                int length = OpusFormat.encode(encoder, samples, packet);
                talk[t][f] = new MixEngine.EncodedFrame(Codec.OPUS, Arrays.copyOf(packet, length),
                        AudioLevel.of(samples, samples.length));
            }
        }
    }

    @Benchmark
    public long tick() {
        int f = (int) (frameId % LOOP_FRAMES);
        for (int t = 0; t < TALKERS; t++) {
            engine.frame(t + 1, frameId, talk[t][f]);
        }
        frameId++;
        engine.tick();
        if (engine.talkers() != TALKERS) {
            throw new IllegalStateException("expected " + TALKERS + " talkers, mixed " + engine.talkers());
        }
        return datagrams;
    }
}
