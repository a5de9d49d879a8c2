package chorus.relay.media.udp;

import chorus.relay.config.MediaConfig;
import chorus.relay.media.MediaPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portable media sockets: {@code java.nio} datagram channels, a thread per socket receiving
 * each datagram into its buffer, a {@code send} per datagram from whichever thread sends. With
 * more than one receive thread each port is that many sockets on SO_REUSEPORT (the kernel keeps a
 * source address on one of them). The path the relay took before native epoll, kept selectable.
 */
final class NioMediaSockets implements MediaSockets {
    private static final Logger log = LoggerFactory.getLogger(NioMediaSockets.class);

    private final DatagramChannel[][] channels = new DatagramChannel[MediaPort.values().length][];
    private final List<Thread> receivers = new ArrayList<>();
    private final String why;
    private volatile boolean open = true;

    <S> NioMediaSockets(String host, int videoPort, int audioPort, MediaConfig media, int threads,
                        DatagramHandler<S> handler, String why) throws IOException {
        this.why = why;
        try {
            channels[MediaPort.VIDEO.ordinal()] = bind(host, videoPort, threads, media);
            channels[MediaPort.AUDIO.ordinal()] = bind(host, audioPort, threads, media);
        } catch (IOException e) {
            close();
            throw e;
        }
        for (MediaPort port : MediaPort.values()) {
            DatagramChannel[] group = channels[port.ordinal()];
            for (int i = 0; i < group.length; i++) {
                DatagramChannel channel = group[i];
                Thread t = new Thread(() -> receiveLoop(port, channel, handler),
                        "chorus-udp-" + port.name().toLowerCase() + (group.length > 1 ? "-" + i : ""));
                t.setDaemon(true);
                receivers.add(t);
                t.start();
            }
        }
    }

    private static DatagramChannel[] bind(String host, int port, int threads, MediaConfig media) throws IOException {
        DatagramChannel[] group = new DatagramChannel[threads];
        int bound = port;
        for (int i = 0; i < threads; i++) {
            DatagramChannel ch = DatagramChannel.open();
            group[i] = ch;
            ch.setOption(StandardSocketOptions.SO_RCVBUF, media.receiveBufferBytes());
            ch.setOption(StandardSocketOptions.SO_SNDBUF, media.sendBufferBytes());
            if (threads > 1) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            try {
                ch.bind(new InetSocketAddress(host, bound));
            } catch (IOException e) {
                for (DatagramChannel c : group) {
                    if (c != null) {
                        c.close();
                    }
                }
                throw new IOException("cannot bind UDP " + host + ":" + bound + " (" + e.getMessage() + ")", e);
            }
            bound = ((InetSocketAddress) ch.getLocalAddress()).getPort();
        }
        return group;
    }

    private <S> void receiveLoop(MediaPort port, DatagramChannel channel, DatagramHandler<S> handler) {
        S state = handler.newReceiveState();
        ByteBuffer buffer = handler.datagramBuffer(state);
        while (open) {
            SocketAddress from;
            buffer.clear();
            try {
                from = channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (open) {
                    log.warn("UDP {} receive failed: {}", port, e.toString());
                }
                continue;
            }
            handler.onDatagram(port, buffer.position(), (InetSocketAddress) from, state);
        }
    }

    @Override
    public int port(MediaPort port) {
        try {
            return ((InetSocketAddress) channels[port.ordinal()][0].getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean send(MediaPort port, ByteBuffer datagram, InetSocketAddress to) {
        int position = datagram.position();
        try {
            channels[port.ordinal()][0].send(datagram, to);
            return true;
        } catch (IOException e) {
            log.debug("send to {} failed: {}", to, e.toString());
            return false;
        } finally {
            datagram.position(position);
        }
    }

    @Override
    public void batched(Runnable work) {
        work.run(); // a datagram per send: nothing to gather
    }

    @Override
    public String describe() {
        return "NIO datagram channels (" + why + "), a send per datagram, " + receiveThreads() + " receive thread(s) per port";
    }

    @Override
    public int receiveThreads() {
        DatagramChannel[] group = channels[0];
        return group == null ? 0 : group.length;
    }

    @Override
    public void close() {
        open = false;
        for (DatagramChannel[] group : channels) {
            if (group == null) {
                continue;
            }
            for (DatagramChannel ch : group) {
                try {
                    if (ch != null) {
                        ch.close();
                    }
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
        for (Thread t : receivers) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
