package chorus.client.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** A {@link MediaSocket} on a non-blocking JDK {@link DatagramChannel}, read by {@link SelectorReceiver}. */
final class NioMediaSocket implements MediaSocket {
    final DatagramChannel channel;

    private NioMediaSocket(DatagramChannel channel) {
        this.channel = channel;
    }

    static NioMediaSocket open(int bufferBytes) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, bufferBytes);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, bufferBytes);
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ch.configureBlocking(false);
            return new NioMediaSocket(ch);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public int send(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        return channel.send(datagram, to);
    }

    @Override
    public int localPort() {
        return channel.socket().getLocalPort();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
