package chorus.relay.media.udp;

import chorus.protocol.media.MediaHeader;
import chorus.relay.config.MediaConfig;
import chorus.relay.media.MediaPort;
import chorus.relay.metrics.RelayStats;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media sockets on Netty's native epoll transport. Each port is one socket per receive thread
 * on SO_REUSEPORT (the kernel hashes a source address to one of them, so one sender's datagrams
 * stay on one thread, in order), read with {@code recvmmsg}. What a receive thread sends while it
 * handles a read batch waits in its {@link Outbox} and leaves at the end of the batch, a frame's
 * fragments to one receiver as one UDP GSO send, everything of the batch in one {@code sendmmsg};
 * a frame still missing fragments is held for them at most {@code frame-hold}. Datagrams sent
 * from other threads go through the same outboxes when {@linkplain #batched batched} (a mixer
 * tick), else one by one.
 */
final class EpollMediaSockets implements MediaSockets {
    private static final Logger log = LoggerFactory.getLogger(EpollMediaSockets.class);
    /**
     * Datagrams one {@code recvmmsg} reads at most, and one read batch: what a batch sends waits
     * for the batch's end, so a larger one adds latency (measured: docs/BENCHMARKS.md).
     */
    private static final int DATAGRAMS_PER_READ = 16;
    /** A slot one byte longer than the longest valid datagram: a longer one shows as too long, not as cut. */
    private static final int SLOT = MediaHeader.MAX_DATAGRAM + 1;

    /** One thread's outboxes (one per port) and the sockets they leave by. */
    private final class Sender {
        final Outbox[] outboxes = new Outbox[MediaPort.values().length];
        final Channel[] channels = new Channel[MediaPort.values().length];
        /** The scheduled send of held frames, if one is due. */
        ScheduledFuture<?> holdTimer;
        long holdDue = Long.MAX_VALUE;
        private final List<DatagramPacket> sends = new ArrayList<>();

        Sender(int index) {
            for (MediaPort port : MediaPort.values()) {
                outboxes[port.ordinal()] = new Outbox(allocator, stats);
                channels[port.ordinal()] = EpollMediaSockets.this.channels[port.ordinal()][index];
            }
        }

        /** Sends what is due (on this sender's event loop); schedules itself for frames still held. */
        void flush() {
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            boolean segments = gso;
            for (MediaPort port : MediaPort.values()) {
                Outbox outbox = outboxes[port.ordinal()];
                if (outbox.isEmpty()) {
                    continue;
                }
                next = Math.min(next, outbox.finish(now, holdNanos, segments));
                write(channels[port.ordinal()], outbox.takeReady(sends));
                sends.clear();
            }
            if (next != Long.MAX_VALUE && next < holdDue) {
                if (holdTimer != null) {
                    holdTimer.cancel(false);
                }
                holdDue = next;
                holdTimer = channels[0].eventLoop().schedule(this::onHoldDue, next - now, TimeUnit.NANOSECONDS);
            }
        }

        private void onHoldDue() {
            holdTimer = null;
            holdDue = Long.MAX_VALUE;
            flush();
        }
    }

    private final MultiThreadIoEventLoopGroup group;
    private final Channel[][] channels = new Channel[MediaPort.values().length][];
    private final Sender[] senders;
    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private final RelayStats stats;
    private final long holdNanos;
    private final int threads;
    /** The sender of the current thread: a receive thread's own, or one lent to a {@link #batched} call. */
    private final FastThreadLocal<Sender> current = new FastThreadLocal<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final ChannelFutureListener segmentedSendFailed = f -> {
        if (!f.isSuccess()) {
            onSegmentedSendFailed(f.cause());
        }
    };
    /** Whether frames go as GSO sends; off when the kernel lacks UDP_SEGMENT or a GSO send failed. */
    private volatile boolean gso;
    private final String gsoWhy;

    <S> EpollMediaSockets(String host, int videoPort, int audioPort, MediaConfig media, int threads,
                          DatagramHandler<S> handler, RelayStats stats) throws IOException {
        this.stats = stats;
        this.threads = threads;
        this.holdNanos = media.udp().frameHold().toNanos();
        boolean supported = EpollDatagramChannel.isSegmentedDatagramPacketSupported();
        this.gso = media.udp().gso() && supported;
        this.gsoWhy = !media.udp().gso() ? "off by configuration" : supported ? "on" : "not supported by this kernel";
        AtomicInteger threadNumber = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new io.netty.util.concurrent.FastThreadLocalThread(r,
                    "chorus-udp-" + threadNumber.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
        this.group = new MultiThreadIoEventLoopGroup(threads, factory, EpollIoHandler.newFactory());
        try {
            EventLoop[] loops = new EventLoop[threads];
            for (int i = 0; i < threads; i++) {
                loops[i] = group.next();
            }
            channels[MediaPort.VIDEO.ordinal()] = bind(host, videoPort, MediaPort.VIDEO, loops, media, handler);
            channels[MediaPort.AUDIO.ordinal()] = bind(host, audioPort, MediaPort.AUDIO, loops, media, handler);
            senders = new Sender[threads];
            for (int i = 0; i < threads; i++) {
                Sender sender = new Sender(i);
                senders[i] = sender;
                // Each loop's thread sends through its own sender: set on that thread.
                loops[i].submit(() -> current.set(sender)).syncUninterruptibly();
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private <S> Channel[] bind(String host, int port, MediaPort which, EventLoop[] loops, MediaConfig media,
                               DatagramHandler<S> handler) throws IOException {
        Channel[] bound = new Channel[loops.length];
        int at = port;
        for (int i = 0; i < loops.length; i++) {
            Bootstrap b = new Bootstrap().group(loops[i]).channel(EpollDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, media.receiveBufferBytes())
                    .option(ChannelOption.SO_SNDBUF, media.sendBufferBytes())
                    .option(UnixChannelOption.SO_REUSEPORT, loops.length > 1)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, SLOT)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(SLOT * DATAGRAMS_PER_READ).maxMessagesPerRead(DATAGRAMS_PER_READ))
                    .option(ChannelOption.ALLOCATOR, allocator)
                    .handler(new Receiver<>(which, handler));
            try {
                bound[i] = b.bind(new InetSocketAddress(host, at)).sync().channel();
            } catch (Exception e) {
                throw new IOException("cannot bind UDP " + host + ":" + at + " (" + e.getMessage() + ")", e);
            }
            at = ((InetSocketAddress) bound[i].localAddress()).getPort();
        }
        return bound;
    }

    /** Reads one socket: each datagram into the handler's buffer, then the batch's sends at its end. */
    private final class Receiver<S> extends ChannelInboundHandlerAdapter {
        private final MediaPort port;
        private final DatagramHandler<S> handler;
        private S state;
        private ByteBuffer buffer;

        Receiver(MediaPort port, DatagramHandler<S> handler) {
            this.port = port;
            this.handler = handler;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            try {
                if (state == null) {
                    state = handler.newReceiveState();
                    buffer = handler.datagramBuffer(state);
                }
                ByteBuf content = packet.content();
                int length = Math.min(content.readableBytes(), buffer.capacity());
                content.getBytes(content.readerIndex(), buffer.array(), buffer.arrayOffset(), length);
                buffer.clear();
                handler.onDatagram(port, length, packet.sender(), state);
            } finally {
                packet.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            Sender sender = current.get();
            if (sender != null) {
                sender.flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A failed send (voidPromise) or a failed read: counted, logged, the socket stays.
            stats.sendFailed();
            log.debug("UDP {}: {}", port, cause.toString());
        }
    }

    private void write(Channel channel, List<DatagramPacket> packets) {
        if (packets.isEmpty()) {
            return;
        }
        for (DatagramPacket packet : packets) {
            if (packet instanceof SegmentedDatagramPacket) {
                channel.write(packet).addListener(segmentedSendFailed);
            } else {
                channel.write(packet, channel.voidPromise());
            }
        }
        channel.flush();
    }

    private void onSegmentedSendFailed(Throwable cause) {
        stats.sendFailed();
        if (gso && cause instanceof IOException) {
            // e.g. EIO from an interface without checksum offload: UDP GSO cannot work there.
            gso = false;
            log.warn("A UDP GSO send failed ({}): sending datagram by datagram from now on", cause.toString());
        }
    }

    @Override
    public int port(MediaPort port) {
        return ((InetSocketAddress) channels[port.ordinal()][0].localAddress()).getPort();
    }

    @Override
    public boolean send(MediaPort port, ByteBuffer datagram, InetSocketAddress to) {
        Sender sender = current.getIfExists();
        if (sender != null) {
            sender.outboxes[port.ordinal()].add(datagram, to, gso);
            return true;
        }
        ByteBuf copy = allocator.directBuffer(datagram.remaining());
        copy.writeBytes(datagram.duplicate());
        Channel channel = channels[port.ordinal()][loopFor(to)];
        try {
            channel.writeAndFlush(new DatagramPacket(copy, to), channel.voidPromise());
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false; // closing: the datagram was released with the rejected write
        }
    }

    @Override
    public void batched(Runnable work) {
        if (current.getIfExists() != null) {
            work.run(); // a receive thread already sends at the end of its batch
            return;
        }
        Sender batch = new Sender(0); // its outboxes only: each datagram leaves by its receiver's loop
        current.set(batch);
        try {
            work.run();
        } finally {
            current.remove();
            long now = System.nanoTime();
            for (MediaPort port : MediaPort.values()) {
                Outbox outbox = batch.outboxes[port.ordinal()];
                if (outbox.isEmpty()) {
                    continue;
                }
                outbox.finish(now, 0, gso); // nothing held: the batch is whole
                List<List<DatagramPacket>> byLoop = new ArrayList<>(threads);
                for (int i = 0; i < threads; i++) {
                    byLoop.add(new ArrayList<>());
                }
                for (DatagramPacket packet : outbox.takeReady(new ArrayList<>())) {
                    byLoop.get(loopFor(packet.recipient())).add(packet);
                }
                for (int i = 0; i < threads; i++) {
                    List<DatagramPacket> packets = byLoop.get(i);
                    if (!packets.isEmpty()) {
                        writeOn(channels[port.ordinal()][i], packets);
                    }
                }
            }
        }
    }

    /**
     * The loop that sends what other threads send to {@code to}: always the same one, so that one
     * receiver's datagrams from outside the receive threads (a mixer's ticks) leave in order.
     */
    private int loopFor(InetSocketAddress to) {
        return Math.floorMod(to.hashCode(), threads);
    }

    /** Hands {@code packets} to {@code channel}'s loop, or drops and counts them when it is gone. */
    private void writeOn(Channel channel, List<DatagramPacket> packets) {
        try {
            channel.eventLoop().execute(() -> write(channel, packets));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            packets.forEach(DatagramPacket::release); // closing: nothing more goes out
            stats.sendFailed(packets.size());
        }
    }

    @Override
    public String describe() {
        return "native epoll, UDP GSO " + gsoWhy + ", frames held at most " + java.time.Duration.ofNanos(holdNanos).toMillis() + " ms for their fragments, "
                + threads + " receive thread(s) per port (SO_REUSEPORT" + (threads > 1 ? "" : " not needed") + "), recvmmsg";
    }

    @Override
    public int receiveThreads() {
        return threads;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // closed already: its event loops are gone
        }
        for (Channel[] bound : channels) {
            if (bound == null) {
                continue;
            }
            for (Channel ch : bound) {
                if (ch != null) {
                    ch.close().syncUninterruptibly();
                }
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
