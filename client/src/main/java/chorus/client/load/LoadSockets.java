package chorus.client.load;

import chorus.protocol.media.MediaHeader;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a load run's media sockets and the receiver that reads them: Netty's native epoll (one
 * event loop reading every socket with {@code recvmmsg}) where it loads, else JDK channels and a
 * NIO selector. Chosen once per run and logged.
 */
final class LoadSockets implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoadSockets.class);
    /** Receive and send buffer of each socket. */
    static final int SOCKET_BUFFER_BYTES = 4 << 20;
    /** Datagrams one {@code recvmmsg} reads. */
    private static final int READ_BATCH = 32;

    /** Null for NIO. */
    private final EventLoopGroup group;

    private LoadSockets(EventLoopGroup group) {
        this.group = group;
    }

    /**
     * Which receiver a run uses: {@code epoll} (where it loads) or {@code nio}, from the system
     * property {@value #RECEIVER_PROPERTY} (default epoll), so the two can be compared.
     */
    static final String RECEIVER_PROPERTY = "chorus.loadtest.receiver";

    /** Epoll where Netty's native transport loads here, else NIO; NIO also when {@value #RECEIVER_PROPERTY} says so. */
    static LoadSockets open() {
        if ("nio".equals(System.getProperty(RECEIVER_PROPERTY))) {
            log.info("load receivers: NIO selector ({}=nio)", RECEIVER_PROPERTY);
            return nio();
        }
        if (!Epoll.isAvailable()) {
            log.info("load receivers: NIO selector (Netty's native epoll did not load: {})", Epoll.unavailabilityCause().toString());
            return nio();
        }
        log.info("load receivers: Netty epoll, one event loop, recvmmsg batches of up to {}", READ_BATCH);
        return new LoadSockets(new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "load-receive");
            t.setDaemon(true);
            return t;
        }, EpollIoHandler.newFactory()));
    }

    /** JDK channels and a NIO selector. */
    static LoadSockets nio() {
        return new LoadSockets(null);
    }

    /** A socket bound to port 0 on loopback, not read until {@link #receiver}'s start. */
    MediaSocket socket() throws IOException {
        if (group == null) {
            return NioMediaSocket.open(SOCKET_BUFFER_BYTES);
        }
        EpollReceiver.Reading reading = new EpollReceiver.Reading();
        Bootstrap b = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.AUTO_READ, false)
                .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MediaHeader.MAX_DATAGRAM)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(READ_BATCH * MediaHeader.MAX_DATAGRAM))
                .handler(reading);
        try {
            EpollDatagramChannel ch = (EpollDatagramChannel) b.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .sync().channel();
            return new EpollMediaSocket(ch, reading, 2 * MediaHeader.MAX_DATAGRAM);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding a media socket", e);
        }
    }

    /** The receiver of {@code participants}' sockets (opened here), not started. */
    LoadReceiver receiver(List<LoadParticipant> participants) throws IOException {
        return group == null ? new SelectorReceiver(participants) : new EpollReceiver(participants, group.next());
    }

    @Override
    public void close() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
