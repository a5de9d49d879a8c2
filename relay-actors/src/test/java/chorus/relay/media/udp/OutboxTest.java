package chorus.relay.media.udp;

import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.relay.metrics.RelayStats;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a batch's datagrams become sends: per receiver, one size per send, frames held for their fragments. */
class OutboxTest {
    private static final InetSocketAddress BOB = new InetSocketAddress("127.0.0.1", 40001);
    private static final InetSocketAddress CY = new InetSocketAddress("127.0.0.1", 40002);
    private static final long HOLD = 2_000_000L;

    private final RelayStats stats = new RelayStats();
    private final Outbox outbox = new Outbox(UnpooledByteBufAllocator.DEFAULT, stats);
    private final List<DatagramPacket> sends = new ArrayList<>();

    @AfterEach
    void release() {
        sends.forEach(DatagramPacket::release);
        outbox.discard();
    }

    private static List<ByteBuffer> frame(int mediaId, int fragments) {
        List<ByteBuffer> out = new ArrayList<>();
        byte[] frame = new byte[fragments * MediaHeader.MAX_PAYLOAD];
        new Fragmenter(MediaKind.VIDEO, mediaId, Codec.H264).send(frame, 0, frame.length, 0, 0,
                d -> out.add(ByteBuffer.allocate(d.remaining()).put(d.duplicate()).flip()));
        return out;
    }

    private List<DatagramPacket> finish(long now, long hold) {
        outbox.finish(now, hold, true);
        sends.clear();
        return outbox.takeReady(sends);
    }

    @Test
    void aFramesFragmentsToOneReceiverAreOneSegmentedSendPerReceiver() {
        List<ByteBuffer> frame = frame(7, 12);
        for (ByteBuffer d : frame) {
            outbox.add(d, BOB, true);
            outbox.add(d, CY, true);
        }
        List<DatagramPacket> out = finish(System.nanoTime(), HOLD);
        assertEquals(2, out.size());
        for (DatagramPacket p : out) {
            SegmentedDatagramPacket s = assertInstanceOf(SegmentedDatagramPacket.class, p);
            assertEquals(frame.get(0).remaining(), s.segmentSize());
            assertEquals(12 * frame.get(0).remaining(), s.content().readableBytes());
        }
        assertEquals(2, stats.framesSent(true));
        assertEquals(0, stats.framesSent(false));
    }

    @Test
    void twoSendersFramesInterleavedToOneReceiverStillCountAsWhole() {
        List<ByteBuffer> a = frame(7, 4);
        List<ByteBuffer> b = frame(8, 4);
        for (int i = 0; i < 4; i++) {
            outbox.add(a.get(i), BOB, true);
            outbox.add(b.get(i), BOB, true);
        }
        assertEquals(1, finish(System.nanoTime(), HOLD).size());
        assertEquals(2, stats.framesSent(true));
    }

    @Test
    void aFrameMissingFragmentsIsHeldUntilTheHoldRunsOutThenSentEarly() {
        List<ByteBuffer> frame = frame(7, 6);
        long start = System.nanoTime();
        for (ByteBuffer d : frame.subList(0, 5)) {
            outbox.add(d, BOB, true);
        }
        long due = outbox.finish(start, HOLD, true);
        assertTrue(due != Long.MAX_VALUE, "held: its last fragment may still come");
        assertEquals(0, outbox.takeReady(sends).size());
        List<DatagramPacket> out = finish(due + 1, HOLD);
        assertEquals(1, out.size(), "sent as it is once the hold ran out");
        assertEquals(1, stats.framesSentEarly());
        assertEquals(1, stats.framesSent(false), "the frame went in two pieces");
        outbox.add(frame.get(5), BOB, true);
        assertEquals(1, finish(System.nanoTime(), HOLD).size());
        assertEquals(0, stats.framesSent(true));
    }

    @Test
    void aLongerDatagramOrOneAfterAShorterStartsTheNextSend() {
        ByteBuffer big = ByteBuffer.allocate(1000);
        ByteBuffer small = ByteBuffer.allocate(400);
        outbox.add(small, BOB, true);
        outbox.add(big, BOB, true);   // longer: a new send
        outbox.add(big, BOB, true);
        outbox.add(small, BOB, true); // shorter: ends that send
        outbox.add(big, BOB, true);   // after a shorter one: a new send
        List<DatagramPacket> out = finish(System.nanoTime(), HOLD);
        assertEquals(3, out.size());
        assertEquals(400, out.get(0).content().readableBytes());
        assertEquals(2400, out.get(1).content().readableBytes());
        assertEquals(1000, ((SegmentedDatagramPacket) out.get(1)).segmentSize());
        assertEquals(1000, out.get(2).content().readableBytes());
    }

    @Test
    void withoutGsoEachDatagramIsItsOwnSend() {
        List<ByteBuffer> frame = frame(7, 5);
        frame.forEach(d -> outbox.add(d, BOB, false));
        outbox.finish(System.nanoTime(), HOLD, false);
        List<DatagramPacket> out = outbox.takeReady(sends);
        assertEquals(5, out.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(frame.get(i), out.get(i).content().nioBuffer(), "datagram " + i + " unchanged");
        }
    }
}
