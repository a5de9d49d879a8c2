package chorus.relay.baseline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers, per receiver, the consecutive sealed datagrams of one sender's frame into one buffer,
 * to go out as one segmented send (UDP GSO: the kernel cuts it into datagrams of the segment
 * size). A batch holds only datagrams of one length, the segment size, except its last one,
 * which may be shorter: a shorter datagram ends its batch, a longer one (or another frame, or a
 * full batch) starts a new one. {@link #flush} sends every open batch (the end of a read batch).
 * One per port thread.
 */
final class FrameBatches {
    /** Segments the kernel takes in one UDP_SEGMENT send (UDP_MAX_SEGMENTS is 64 on older kernels). */
    static final int MAX_SEGMENTS = 64;
    /** Bytes in one send: an IPv4 UDP payload is at most 65,507. */
    static final int MAX_BYTES = 65_000;

    /** Where a finished batch goes: {@code segments} datagrams of {@code segmentSize} bytes (the last maybe fewer) in {@code data}. */
    interface Output {
        /** Takes ownership of {@code data}. */
        void write(ByteBuf data, int segmentSize, int segments, InetSocketAddress to);

        /** The end of a read batch: everything written goes out now. */
        void flush();
    }

    private static final class Batch {
        InetSocketAddress to;
        int sender;
        long frame;
        int segmentSize;
        int segments;
        ByteBuf data;
    }

    private final ByteBufAllocator allocator;
    private final Output output;
    private final Map<Object, Batch> open = new IdentityHashMap<>();
    private final List<Batch> spare = new ArrayList<>();
    private long sends;
    private long datagrams;
    private long segmentedSends;

    FrameBatches(ByteBufAllocator allocator, Output output) {
        this.allocator = allocator;
        this.output = output;
    }

    /**
     * Adds {@code receiver}'s copy of a datagram of {@code sender}'s {@code frame} (copied from
     * {@code sealed}'s position to its limit), to go to {@code to}.
     */
    void append(Object receiver, InetSocketAddress to, int sender, long frame, ByteBuffer sealed) {
        int length = sealed.remaining();
        Batch b = open.get(receiver);
        if (b != null && (b.sender != sender || b.frame != frame || !b.to.equals(to) || length > b.segmentSize
                || b.segments == MAX_SEGMENTS || b.data.readableBytes() + length > MAX_BYTES)) {
            send(receiver, b);
            b = null;
        }
        if (b == null) {
            b = spare.isEmpty() ? new Batch() : spare.remove(spare.size() - 1);
            b.to = to;
            b.sender = sender;
            b.frame = frame;
            b.segmentSize = length;
            b.segments = 0;
            b.data = allocator.directBuffer(Math.min(MAX_BYTES, length * 16), MAX_BYTES);
            open.put(receiver, b);
        }
        b.data.writeBytes(sealed.duplicate());
        b.segments++;
        if (length < b.segmentSize) {
            send(receiver, b);
        }
    }

    /** Sends every open batch, then flushes the output. */
    void flush() {
        if (!open.isEmpty()) {
            for (Batch b : open.values()) {
                emit(b);
            }
            open.clear();
        }
        output.flush();
    }

    private void send(Object receiver, Batch b) {
        open.remove(receiver);
        emit(b);
    }

    private void emit(Batch b) {
        sends++;
        datagrams += b.segments;
        if (b.segments > 1) {
            segmentedSends++;
        }
        ByteBuf data = b.data;
        InetSocketAddress to = b.to;
        b.data = null;
        b.to = null;
        spare.add(b);
        output.write(data, b.segmentSize, b.segments, to);
    }

    /** Sends made (one per batch), of them with more than one segment, and the datagrams they carried. */
    long sends() {
        return sends;
    }

    long segmentedSends() {
        return segmentedSends;
    }

    long datagrams() {
        return datagrams;
    }
}
