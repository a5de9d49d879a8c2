package chorus.client.load;

import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A {@link MediaSocket} on Netty's native epoll datagram channel: its event loop reads it in
 * batches ({@code recvmmsg}, see {@link EpollReceiver}); sends go straight to the socket with
 * {@code sendto} from the calling thread, as a JDK channel's do (Netty's own write path would
 * hand every datagram to the event loop).
 */
final class EpollMediaSocket implements MediaSocket {
    final EpollDatagramChannel channel;
    /** Its handler: counts nothing until {@link EpollReceiver} takes it. */
    final EpollReceiver.Reading reading;
    private final Socket socket;
    /** The native send takes a direct buffer: heap datagrams are copied here first. */
    private final ByteBuffer direct;

    EpollMediaSocket(EpollDatagramChannel channel, EpollReceiver.Reading reading, int maxDatagram) {
        this.channel = channel;
        this.reading = reading;
        this.socket = (Socket) channel.fd();
        this.direct = ByteBuffer.allocateDirect(maxDatagram);
    }

    @Override
    public synchronized int send(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        ByteBuffer source = datagram;
        if (!datagram.isDirect()) {
            direct.clear();
            direct.put(datagram.duplicate()).flip();
            source = direct;
        }
        return socket.sendTo(source, source.position(), source.limit(), to.getAddress(), to.getPort());
    }

    @Override
    public int localPort() {
        return channel.localAddress().getPort();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
    }
}
