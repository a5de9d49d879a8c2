package chorus.relay.baseline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which sealed datagrams go out together: one frame, one receiver, equal lengths but the last. */
class FrameBatchesTest {
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 5002);
    private static final InetSocketAddress C = new InetSocketAddress("127.0.0.1", 5003);

    /** A send as the socket got it. */
    private record Send(InetSocketAddress to, int segmentSize, int segments, int bytes, int firstByte) {
    }

    private final List<Send> sends = new ArrayList<>();
    private int flushes;
    private final FrameBatches batches = new FrameBatches(UnpooledByteBufAllocator.DEFAULT, new FrameBatches.Output() {
        @Override
        public void write(ByteBuf data, int segmentSize, int segments, InetSocketAddress to) {
            sends.add(new Send(to, segmentSize, segments, data.readableBytes(), data.getByte(0)));
            data.release();
        }

        @Override
        public void flush() {
            flushes++;
        }
    });

    private static ByteBuffer datagram(int length, int mark) {
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put(0, (byte) mark);
        return b;
    }

    @Test
    void aFramesEqualDatagramsAndAShorterLastGoToEachReceiverAsOneSend() {
        Object b = new Object();
        Object c = new Object();
        for (int i = 0; i < 12; i++) {
            batches.append(b, B, 1, 7, datagram(1256, i));
            batches.append(c, C, 1, 7, datagram(1256, i));
        }
        batches.append(b, B, 1, 7, datagram(400, 12));
        assertEquals(List.of(new Send(B, 1256, 13, 12 * 1256 + 400, 0)), sends, "a shorter datagram ends the batch");
        batches.append(c, C, 1, 7, datagram(400, 12));
        batches.flush();
        assertEquals(new Send(C, 1256, 13, 12 * 1256 + 400, 0), sends.get(1));
        assertEquals(2, sends.size());
        assertEquals(1, flushes);
    }

    @Test
    void aLongerDatagramAnotherFrameOrAnotherSenderStartsANewSend() {
        Object b = new Object();
        batches.append(b, B, 1, 7, datagram(600, 0));
        batches.append(b, B, 1, 7, datagram(1256, 1)); // longer than the segment size
        batches.append(b, B, 1, 8, datagram(1256, 2)); // the sender's next frame
        batches.append(b, B, 2, 8, datagram(1256, 3)); // another sender
        batches.append(b, B, 2, 8, datagram(1256, 4));
        batches.flush();
        assertEquals(List.of(new Send(B, 600, 1, 600, 0), new Send(B, 1256, 1, 1256, 1), new Send(B, 1256, 1, 1256, 2),
                new Send(B, 1256, 2, 2512, 3)), sends);
    }

    @Test
    void aFullBatchStartsANewOne() {
        Object b = new Object();
        int perSend = FrameBatches.MAX_BYTES / 1256;
        for (int i = 0; i < perSend + 1; i++) {
            batches.append(b, B, 1, 7, datagram(1256, i));
        }
        batches.flush();
        assertEquals(List.of(new Send(B, 1256, perSend, perSend * 1256, 0), new Send(B, 1256, 1, 1256, perSend)), sends);
    }
}
