package chorus.client.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One of a load participant's UDP sockets (bound to port 0 on loopback, as a client's): it sends
 * from any thread, and {@link LoadSockets}' receiver reads it.
 */
interface MediaSocket extends AutoCloseable {
    /**
     * Sends {@code datagram} from its position to its limit, not blocking.
     *
     * @return the bytes sent, 0 when the socket's send buffer was full
     */
    int send(ByteBuffer datagram, InetSocketAddress to) throws IOException;

    int localPort();

    @Override
    void close();
}
