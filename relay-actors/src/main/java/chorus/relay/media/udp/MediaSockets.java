package chorus.relay.media.udp;

import chorus.relay.config.MediaConfig;
import chorus.relay.media.MediaPort;
import chorus.relay.metrics.RelayStats;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's two UDP media ports, each read by one or more receive threads, and how datagrams
 * leave them. A datagram sent from a receive thread waits in that thread's outbox until the end of
 * its read batch (so a frame's fragments leave together); one sent from any other thread inside
 * {@link #batched} goes out with the rest of that batch; any other is sent at once.
 */
public interface MediaSockets extends AutoCloseable {
    Logger LOG = LoggerFactory.getLogger(MediaSockets.class);

    /** The port bound for {@code port} (the configured one, or the one the system chose for 0). */
    int port(MediaPort port);

    /**
     * Sends {@code datagram} (position to limit; its position is left as it was) to {@code to}, or
     * queues it for the end of this thread's batch.
     *
     * @return false when the send failed at once (a send that fails later is counted by the sockets)
     */
    boolean send(MediaPort port, ByteBuffer datagram, InetSocketAddress to);

    /** Runs {@code work} with every datagram it sends gathered and sent together when it returns. */
    void batched(Runnable work);

    /** How the sockets were made, for the start-up log: transport, GSO, threads. */
    String describe();

    /** Receive threads per port. */
    int receiveThreads();

    @Override
    void close();

    /**
     * Binds both ports by the configuration: native epoll when it is asked for or available
     * ({@code auto}), else NIO; the choice and why are logged.
     */
    static <S> MediaSockets open(String host, int videoPort, int audioPort, MediaConfig media, DatagramHandler<S> handler,
                                 RelayStats stats) throws IOException {
        MediaConfig.Udp udp = media.udp();
        int threads = udp.receiveThreads() > 0 ? udp.receiveThreads()
                : Math.min(8, Runtime.getRuntime().availableProcessors());
        MediaSockets sockets;
        if (udp.transport() == UdpTransport.NIO) {
            sockets = new NioMediaSockets(host, videoPort, audioPort, media, threads, handler, "asked for");
        } else if (Epoll.isAvailable()) {
            sockets = new EpollMediaSockets(host, videoPort, audioPort, media, threads, handler, stats);
        } else if (udp.transport() == UdpTransport.EPOLL) {
            throw new IOException("chorus.relay.media.udp.transport = epoll, but native epoll does not load here: "
                    + Epoll.unavailabilityCause());
        } else {
            sockets = new NioMediaSockets(host, videoPort, audioPort, media, threads, handler,
                    "native epoll unavailable: " + Epoll.unavailabilityCause());
        }
        LOG.info("UDP media on {}: {}", host, sockets.describe());
        return sockets;
    }
}
