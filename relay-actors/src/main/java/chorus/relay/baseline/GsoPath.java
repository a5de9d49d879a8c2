package chorus.relay.baseline;

import chorus.protocol.media.MediaHeader;
import chorus.relay.metrics.RelayStats;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raw forwarder's UDP path with {@code --send gso}: Netty's native epoll datagram channels,
 * one event loop thread per port, reading in batches ({@code recvmmsg}); each receiver's copies
 * of a frame go out as one UDP GSO send ({@link FrameBatches}), everything pending flushed at
 * the end of each read batch. Each datagram is still opened and sealed per receiver as with
 * {@code plain}.
 */
final class GsoPath implements MediaPath {
    private static final Logger log = LoggerFactory.getLogger(GsoPath.class);
    /** Datagrams read by one {@code recvmmsg}. */
    private static final int READ_BATCH = 32;
    /** Sends queued past this are dropped (and counted), not held: the socket is behind. */
    private static final WriteBufferWaterMark QUEUE_LIMIT = new WriteBufferWaterMark(8 << 20, 16 << 20);

    private final String host;
    private final int[] requestedPorts;
    private final Map<Integer, Member> members;
    private final RelayStats stats;
    private final Channel[] channels = new Channel[2];
    private final PortHandler[] handlers = new PortHandler[2];
    private final AtomicLong queueFull = new AtomicLong();
    private EventLoopGroup group;

    /** @throws IllegalStateException when the native epoll transport or UDP GSO is not available here */
    GsoPath(String host, int videoPort, int audioPort, Map<Integer, Member> members, RelayStats stats) {
        requireAvailable();
        this.host = host;
        this.requestedPorts = new int[] {videoPort, audioPort};
        this.members = members;
        this.stats = stats;
    }

    /** Fails with why when this machine cannot run {@code --send gso}. */
    static void requireAvailable() {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("--send gso needs Netty's native epoll transport, which did not load here: "
                    + Epoll.unavailabilityCause());
        }
        if (!EpollDatagramChannel.isSegmentedDatagramPacketSupported()) {
            throw new IllegalStateException("--send gso needs UDP GSO (UDP_SEGMENT), which this kernel does not offer");
        }
    }

    @Override
    public void start() throws IOException {
        group = new MultiThreadIoEventLoopGroup(2, r -> {
            Thread t = new Thread(r, "baseline-gso");
            t.setDaemon(true);
            return t;
        }, EpollIoHandler.newFactory());
        for (int port = 0; port < 2; port++) {
            handlers[port] = new PortHandler(new DatagramForwarder(port, members, stats));
            Bootstrap b = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                    .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MediaHeader.MAX_DATAGRAM)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(READ_BATCH * MediaHeader.MAX_DATAGRAM))
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, QUEUE_LIMIT)
                    .handler(handlers[port]);
            try {
                channels[port] = b.bind(host, requestedPorts[port]).sync().channel();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while binding", e);
            }
        }
    }

    @Override
    public int port(int index) {
        return ((InetSocketAddress) channels[index].localAddress()).getPort();
    }

    @Override
    public void close() {
        for (Channel ch : channels) {
            if (ch != null) {
                ch.close().awaitUninterruptibly();
            }
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        long sends = 0;
        long segmented = 0;
        long datagrams = 0;
        for (PortHandler h : handlers) {
            if (h != null && h.batches != null) {
                sends += h.batches.sends();
                segmented += h.batches.segmentedSends();
                datagrams += h.batches.datagrams();
            }
        }
        log.info("raw forwarder (gso): {} datagrams in {} sends, {} of them segmented; {} dropped with the send queue full",
                datagrams, sends, segmented, queueFull.get());
    }

    /** The bound channel of the video (0) or audio (1) port: a test holds its event loop to make a read batch. */
    Channel channel(int index) {
        return channels[index];
    }

    /** Sends made so far, over both ports: all of them, those with more than one segment, and the datagrams in them. */
    long[] sendCounts() {
        long[] counts = new long[3];
        for (PortHandler h : handlers) {
            if (h != null && h.batches != null) {
                counts[0] += h.batches.sends();
                counts[1] += h.batches.segmentedSends();
                counts[2] += h.batches.datagrams();
            }
        }
        return counts;
    }

    /** One port: each datagram read is forwarded; the copies gather in {@link FrameBatches} until the read batch ends. */
    private final class PortHandler extends SimpleChannelInboundHandler<DatagramPacket>
            implements DatagramForwarder.Sends, FrameBatches.Output {
        private final DatagramForwarder forwarder;
        private final ByteBuffer buffer = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        private Channel channel;
        private volatile FrameBatches batches;

        PortHandler(DatagramForwarder forwarder) {
            this.forwarder = forwarder;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            channel = ctx.channel();
            batches = new FrameBatches(ctx.alloc(), this);
            super.channelActive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            int length = content.readableBytes();
            if (length > buffer.capacity()) {
                return; // larger than any Chorus datagram: the header check would refuse it anyway
            }
            // the cipher works on heap arrays, as on the plain path
            content.getBytes(content.readerIndex(), buffer.array(), 0, length);
            forwarder.forward(buffer, length, packet.sender(), this);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            batches.flush();
        }

        @Override
        public void signal(ByteBuffer sealed, InetSocketAddress to) {
            ByteBuf copy = channel.alloc().directBuffer(sealed.remaining());
            copy.writeBytes(sealed.duplicate());
            write(copy, copy.readableBytes(), 1, to);
        }

        @Override
        public void media(ByteBuffer sealed, InetSocketAddress to, Member receiver, int sender, long frame) {
            batches.append(receiver, to, sender, frame, sealed);
        }

        @Override
        public void write(ByteBuf data, int segmentSize, int segments, InetSocketAddress to) {
            if (!channel.isWritable()) {
                data.release();
                queueFull.addAndGet(segments);
                for (int i = 0; i < segments; i++) {
                    stats.sendFailed();
                }
                return;
            }
            channel.write(segments == 1 ? new DatagramPacket(data, to) : new SegmentedDatagramPacket(data, segmentSize, to),
                    channel.voidPromise());
        }

        @Override
        public void flush() {
            channel.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            stats.sendFailed();
        }
    }
}
