package chorus.relay.media.udp;

import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.relay.metrics.RelayStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;

/**
 * What one thread sends on one port during a read batch, gathered per receiver so that the
 * fragments of a frame leave as one UDP GSO send ({@link SegmentedDatagramPacket}: one trip down
 * the IP stack, the kernel cuts it into the datagrams). A receiver's datagrams go into one buffer
 * while they keep one size (the last may be shorter, as GSO requires); a longer one, one after a
 * shorter, or a full buffer starts the next send. At the end of the batch ({@link #finish}) every
 * buffer is sent, except one whose last datagram is a frame fragment with more to come: that is
 * held for the rest of its frame, at most the hold, then sent as it is (counted as sent early).
 * Without GSO the same buffers go as one datagram each, in one {@code sendmmsg}. Not thread-safe:
 * one thread's.
 */
final class Outbox {
    /** Segments in one GSO send (the kernel takes up to 64 on every version that has UDP_SEGMENT). */
    static final int MAX_SEGMENTS = 64;
    /** Bytes in one GSO send: one IPv4 datagram's worth. */
    static final int MAX_BYTES = 65_000;

    /** Datagrams for one receiver, bound for one send. */
    private static final class Pending {
        ByteBuf buffer;
        InetSocketAddress to;
        int segmentSize;
        int segments;
        /** A shorter datagram came last: nothing more may follow in this send. */
        boolean closed;
        long firstNanos;
        /** The last datagram is a fragment of a frame whose later fragments may still come. */
        boolean frameOpen;
        /** The multi-fragment frames in this send: key, fragments seen, fragment count, whether fragment 0 is here. */
        final long[] frameKeys = new long[MAX_SEGMENTS];
        final int[] frameSeen = new int[MAX_SEGMENTS];
        final int[] frameCount = new int[MAX_SEGMENTS];
        final boolean[] frameHasFirst = new boolean[MAX_SEGMENTS];
        int frames;

        boolean takes(int length) {
            return !closed && length <= segmentSize && segments < MAX_SEGMENTS
                    && buffer.readableBytes() + length <= MAX_BYTES;
        }
    }

    private final ByteBufAllocator allocator;
    private final RelayStats stats;
    private final HashMap<InetSocketAddress, Pending> open = new HashMap<>();
    private final ArrayDeque<Pending> spare = new ArrayDeque<>();
    private final List<DatagramPacket> ready = new ArrayList<>();

    Outbox(ByteBufAllocator allocator, RelayStats stats) {
        this.allocator = allocator;
        this.stats = stats;
    }

    /** Adds {@code datagram} (position to limit, left unchanged) for {@code to}. */
    void add(ByteBuffer datagram, InetSocketAddress to, boolean gso) {
        int length = datagram.remaining();
        Pending p = open.get(to);
        if (p != null && !p.takes(length)) {
            open.remove(to);
            ready(p, gso, false);
            p = null;
        }
        if (p == null) {
            p = spare.isEmpty() ? new Pending() : spare.poll();
            // Room for a typical frame (12-16 fragments) at once: growing the buffer would copy it.
            p.buffer = allocator.directBuffer(Math.min(MAX_BYTES, Math.max(length, 1) * 16), MAX_BYTES);
            p.to = to;
            p.segmentSize = length;
            p.segments = 0;
            p.closed = false;
            p.frames = 0;
            p.firstNanos = System.nanoTime();
            open.put(to, p);
        }
        p.buffer.writeBytes(datagram.duplicate());
        p.segments++;
        p.closed = length < p.segmentSize;
        noteFrame(p, datagram);
    }

    /** Keeps count of the frames in {@code p} and whether its last datagram leaves one open. */
    private static void noteFrame(Pending p, ByteBuffer datagram) {
        int at = datagram.position();
        p.frameOpen = false;
        if (datagram.remaining() < MediaHeader.HEADER_LENGTH) {
            return;
        }
        MediaKind kind = MediaHeader.kind(datagram, at);
        if (kind != MediaKind.VIDEO && kind != MediaKind.SCREEN) {
            return;
        }
        int count = MediaHeader.fragmentCount(datagram, at);
        int index = MediaHeader.fragmentIndex(datagram, at);
        if (count < 2) {
            return;
        }
        p.frameOpen = index < count - 1;
        long key = ((long) MediaHeader.mediaId(datagram, at) << 32 ^ (long) kind.wire() << 24
                ^ (long) MediaHeader.layer(datagram, at) << 16) + datagram.getInt(at + MediaHeader.FRAME_ID_OFFSET);
        for (int f = 0; f < p.frames; f++) {
            if (p.frameKeys[f] == key) {
                p.frameSeen[f]++;
                p.frameHasFirst[f] |= index == 0;
                return;
            }
        }
        if (p.frames < MAX_SEGMENTS) {
            int f = p.frames++;
            p.frameKeys[f] = key;
            p.frameSeen[f] = 1;
            p.frameCount[f] = count;
            p.frameHasFirst[f] = index == 0;
        }
    }

    /**
     * The end of a read batch, or a hold running out: every open buffer becomes a send, except one
     * that waits for the rest of a frame and has waited less than {@code holdNanos}.
     *
     * @return when the first buffer still held must go (nanoTime), or {@link Long#MAX_VALUE} for none
     */
    long finish(long nowNanos, long holdNanos, boolean gso) {
        long next = Long.MAX_VALUE;
        Iterator<Pending> it = open.values().iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            long due = p.firstNanos + holdNanos;
            if (p.frameOpen && due - nowNanos > 0) {
                next = Math.min(next, due);
                continue;
            }
            it.remove();
            ready(p, gso, p.frameOpen);
        }
        return next;
    }

    /** Whether any datagram waits in this outbox (held or not yet finished). */
    boolean isEmpty() {
        return open.isEmpty() && ready.isEmpty();
    }

    /** The sends made since the last call, in order; the caller writes them (they own the buffers). */
    List<DatagramPacket> takeReady(List<DatagramPacket> into) {
        into.addAll(ready);
        ready.clear();
        return into;
    }

    private void ready(Pending p, boolean gso, boolean early) {
        for (int f = 0; f < p.frames; f++) {
            if (p.frameHasFirst[f]) {
                stats.frameSent(p.frameSeen[f] >= p.frameCount[f]);
            }
        }
        if (early) {
            stats.heldFrameSentEarly();
        }
        if (p.segments == 1) {
            ready.add(new DatagramPacket(p.buffer, p.to));
        } else if (gso) {
            ready.add(new SegmentedDatagramPacket(p.buffer, p.segmentSize, p.to));
            stats.segmentedSend(p.segments);
        } else {
            int end = p.buffer.writerIndex();
            for (int at = 0; at < end; at += p.segmentSize) {
                ready.add(new DatagramPacket(p.buffer.retainedSlice(at, Math.min(p.segmentSize, end - at)), p.to));
            }
            p.buffer.release();
        }
        p.buffer = null;
        p.to = null;
        spare.push(p);
    }

    /** Drops everything still here (the socket is closing). */
    void discard() {
        for (Pending p : open.values()) {
            p.buffer.release();
        }
        open.clear();
        for (DatagramPacket d : ready) {
            d.release();
        }
        ready.clear();
    }
}
