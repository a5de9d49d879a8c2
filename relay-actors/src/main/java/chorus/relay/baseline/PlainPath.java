package chorus.relay.baseline;

import chorus.relay.metrics.RelayStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Map;

/**
 * The raw forwarder's UDP path with {@code --send plain}: a JDK {@link DatagramChannel} per port,
 * one thread each, one {@code receive} per datagram and one {@code send} per datagram per receiver.
 */
final class PlainPath implements MediaPath {
    private final DatagramChannel[] channels;
    private final Map<Integer, Member> members;
    private final RelayStats stats;
    private volatile boolean open = true;

    PlainPath(String host, int videoPort, int audioPort, Map<Integer, Member> members, RelayStats stats)
            throws IOException {
        this.members = members;
        this.stats = stats;
        channels = new DatagramChannel[] {
                DatagramChannel.open().bind(new InetSocketAddress(host, videoPort)),
                DatagramChannel.open().bind(new InetSocketAddress(host, audioPort))};
        for (DatagramChannel ch : channels) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
        }
    }

    @Override
    public void start() {
        RawForwarder.daemon("baseline-udp-video", () -> forwardLoop(0));
        RawForwarder.daemon("baseline-udp-audio", () -> forwardLoop(1));
    }

    @Override
    public int port(int index) throws IOException {
        return ((InetSocketAddress) channels[index].getLocalAddress()).getPort();
    }

    private void forwardLoop(int port) {
        DatagramChannel channel = channels[port];
        DatagramForwarder forwarder = new DatagramForwarder(port, members, stats);
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        DatagramForwarder.Sends sends = new DatagramForwarder.Sends() {
            @Override
            public void signal(ByteBuffer sealed, InetSocketAddress to) throws IOException {
                channel.send(sealed, to);
            }

            @Override
            public void media(ByteBuffer sealed, InetSocketAddress to, Member receiver, int sender, long frame)
                    throws IOException {
                channel.send(sealed, to);
            }
        };
        while (open) {
            InetSocketAddress from;
            buffer.clear();
            try {
                from = (InetSocketAddress) channel.receive(buffer);
            } catch (IOException e) {
                return;
            }
            forwarder.forward(buffer, buffer.position(), from, sends);
        }
    }

    @Override
    public void close() {
        open = false;
        for (DatagramChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
