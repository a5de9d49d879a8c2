package chorus.bench;

import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.relay.media.MediaPort;
import chorus.relay.media.RouteTable;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the relay's video receive thread does to each datagram before it forwards it (as
 * {@code MediaGateway.receiveLoop} and {@code route} do): validate the header, check the kind
 * belongs on the port, look the sender's route up by media id, open it (AES-256-GCM) with that
 * sender's key. Full 1,252-byte datagrams in heap buffers (the gateway receives into one), from
 * {@link #senders} participants in turn out of {@link #routes} on the node. Run with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} is the garbage per datagram.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VideoDatagramBenchmark {
    /** Participants with a route on the node (media ids 1..routes, as a standalone gateway numbers them). */
    @Param("1000")
    public int routes;

    /** Distinct senders whose datagrams arrive in turn (a power of two). */
    @Param("16")
    public int senders;

    /** Stands in for the gateway's {@code MediaRoute}: the sender's opener for the video port. */
    private record Route(int mediaId, MediaCipher video) {
    }

    /** The table the gateway keeps its routes in. */
    private final RouteTable<Route> table = new RouteTable<>();
    private ByteBuffer[] datagrams;
    private Route[] senderRoutes;
    private int next;
    private final ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);

    @Setup
    public void setUp() {
        Random random = new Random(1);
        Route[] all = new Route[routes];
        for (int i = 0; i < routes; i++) {
            int mediaId = MediaHeader.RELAY_MEDIA_ID + 1 + i;
            all[i] = new Route(mediaId, new MediaCipher(MediaCipher.newKey()));
            table.put(mediaId, all[i]);
        }
        datagrams = new ByteBuffer[senders];
        senderRoutes = new Route[senders];
        MediaHeader header = new MediaHeader();
        for (int s = 0; s < senders; s++) {
            // senders spread over the id range, most of them past the Integer cache's 127
            Route from = all[(int) ((long) (s + 1) * routes / (senders + 1))];
            ByteBuffer c = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
            header.wrap(c, 0).magicAndVersion().kind(MediaKind.VIDEO).flags(MediaHeader.FLAG_KEYFRAME)
                    .codec(Codec.JPEG).payloadLength(MediaHeader.MAX_PAYLOAD).mediaId(from.mediaId())
                    .sequence(s).timestamp(90_000).frameId(s).fragmentIndex(0).fragmentCount(12);
            byte[] payload = new byte[MediaHeader.MAX_PAYLOAD];
            random.nextBytes(payload);
            c.put(MediaHeader.HEADER_LENGTH, payload);
            ByteBuffer d = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
            from.video().seal(c, MediaHeader.clearLength(c, 0), s, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, d);
            datagrams[s] = d;
            senderRoutes[s] = from;
        }
        if (!receiveVideoDatagram()) {
            throw new IllegalStateException("the prepared datagrams must pass every check");
        }
    }

    private ByteBuffer nextDatagram() {
        return datagrams[next++ & (senders - 1)];
    }

    /** Header validate + port check + route lookup + open: true when it may be forwarded. */
    @Benchmark
    public boolean receiveVideoDatagram() {
        ByteBuffer d = nextDatagram();
        if (MediaHeader.validate(d, 0, MediaHeader.MAX_DATAGRAM) != null
                || !MediaPort.VIDEO.accepts(MediaHeader.kind(d, 0))) {
            return false;
        }
        Route route = table.get(MediaHeader.mediaId(d, 0));
        return route != null && route.video().open(d, MediaHeader.MAX_DATAGRAM, MediaCipher.VIDEO_CHANNEL,
                MediaCipher.CLIENT_TO_RELAY, clear);
    }

    /** The route lookup alone: where boxing the media id would show. */
    @Benchmark
    public Route routeLookup() {
        return table.get(MediaHeader.mediaId(nextDatagram(), 0));
    }

    /** The open alone (AES-256-GCM over 1,200 bytes, the 36-byte header as AD), the sender's route already known. */
    @Benchmark
    public boolean open() {
        int s = next++ & (senders - 1);
        ByteBuffer d = datagrams[s];
        return senderRoutes[s].video().open(d, MediaHeader.MAX_DATAGRAM, MediaCipher.VIDEO_CHANNEL,
                MediaCipher.CLIENT_TO_RELAY, clear);
    }
}
