package chorus.relay.baseline;

import java.io.IOException;

/** The raw forwarder's two UDP ports (video, audio) and how it receives and sends on them. */
interface MediaPath extends AutoCloseable {
    /** Receive and send buffer of each media socket. */
    int SOCKET_BUFFER_BYTES = 4 << 20;

    /** Starts receiving and forwarding; the sockets are bound already. */
    void start() throws IOException;

    /** The bound port of the video (0) or audio (1) socket. */
    int port(int index) throws IOException;

    @Override
    void close();
}
