package chorus.bench;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaSealer;
import chorus.relay.mixer.MixEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The same tick as {@link MixerTickBenchmark}, but every datagram really goes out through a
 * DatagramChannel to listeners on loopback (16 sockets shared round-robin by the room's
 * members), each sealed first with its listener's key as the gateway does: what a tick costs the
 * relay in full, AES-GCM and kernel sends included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MixerTickWithSendsBenchmark {
    private static final int TALKERS = 4;
    private static final int LISTENER_SOCKETS = 16;

    @Param({"10", "100", "1000"})
    public int participants;

    private MixEngine engine;
    private DatagramChannel out;
    private DatagramChannel[] listeners;
    private short[][] talk;
    private long frameId;

    @Setup(Level.Trial)
    public void room() throws IOException {
        out = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        listeners = new DatagramChannel[LISTENER_SOCKETS];
        for (int i = 0; i < listeners.length; i++) {
            listeners[i] = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        }
        MediaSealer[] sealers = new MediaSealer[participants + 1];
        for (int id = 1; id <= participants; id++) {
            sealers[id] = new MediaSealer(MediaCipher.newKey(), MediaCipher.AUDIO_CHANNEL, MediaCipher.RELAY_TO_CLIENT);
        }
        engine = new MixEngine(1, 10, (datagram, mediaId, to) -> {
            try {
                out.send(sealers[mediaId].seal(datagram), to);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        for (int id = 1; id <= participants; id++) {
            engine.addMember(id);
            engine.listenerAddress(id, (InetSocketAddress) listeners[id % LISTENER_SOCKETS].getLocalAddress());
        }
        talk = new short[TALKERS][AudioFormat.FRAME_SAMPLES];
        for (int t = 0; t < TALKERS; t++) {
            for (int i = 0; i < AudioFormat.FRAME_SAMPLES; i++) {
                talk[t][i] = (short) (8000 * Math.sin(2 * Math.PI * (300 + 100 * t) * i / AudioFormat.SAMPLE_RATE));
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        out.close();
        for (DatagramChannel l : listeners) {
            l.close();
        }
    }

    @Benchmark
    public int tick() {
        for (int t = 0; t < TALKERS; t++) {
            engine.frame(t + 1, frameId, talk[t]);
        }
        frameId++;
        engine.tick();
        return engine.talkers();
    }
}
