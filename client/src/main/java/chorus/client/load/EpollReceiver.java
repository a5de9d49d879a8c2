package chorus.client.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The epoll receiver: every socket on one Netty event loop, read in batches with {@code recvmmsg}
 * (the sockets set {@code MAX_DATAGRAM_PAYLOAD_SIZE}); each datagram is copied to {@link #buffer}
 * and handled as the NIO receiver handles it, on that one thread.
 */
final class EpollReceiver extends LoadReceiver {
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    /** A socket's handler, in its pipeline from the start; it counts nothing until a receiver takes it. */
    static final class Reading extends SimpleChannelInboundHandler<DatagramPacket> {
        private volatile EpollReceiver receiver;
        private volatile Endpoint endpoint;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            EpollReceiver r = receiver;
            if (r != null) {
                r.received(endpoint, packet);
            }
        }
    }

    private final List<Endpoint> endpoints;
    private final EventLoop loop;
    private volatile Thread thread;

    EpollReceiver(List<LoadParticipant> participants, EventLoop loop) {
        super(participants);
        this.endpoints = endpoints(participants);
        this.loop = loop;
    }

    @Override
    void start() throws java.io.IOException {
        try {
            thread = loop.submit(Thread::currentThread).get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new java.io.IOException("the receiving event loop does not answer", e);
        }
        for (Endpoint e : endpoints) {
            EpollMediaSocket socket = (EpollMediaSocket) e.socket();
            socket.reading.endpoint = e;
            socket.reading.receiver = this;
            socket.channel.config().setAutoRead(true);
        }
    }

    @Override
    void stop() throws InterruptedException {
        for (Endpoint e : endpoints) {
            ((EpollMediaSocket) e.socket()).channel.config().setAutoRead(false);
        }
        // a task after every read already queued: once it ran, the counts are final and visible here
        loop.submit(() -> {
            for (Endpoint e : endpoints) {
                ((EpollMediaSocket) e.socket()).reading.receiver = null;
            }
        }).await(STOP_WAIT.toMillis());
    }

    @Override
    long cpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Thread t = thread;
        return t == null || !threads.isThreadCpuTimeSupported() ? -1 : threads.getThreadCpuTime(t.getId());
    }

    @Override
    String describe() {
        return "Netty epoll, recvmmsg batches";
    }

    private void received(Endpoint e, DatagramPacket packet) {
        ByteBuf content = packet.content();
        int length = Math.min(content.readableBytes(), buffer.capacity());
        content.getBytes(content.readerIndex(), buffer.array(), 0, length);
        handle(e, length, packet.sender(), System.nanoTime());
    }
}
