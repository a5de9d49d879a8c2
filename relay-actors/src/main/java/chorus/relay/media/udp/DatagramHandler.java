package chorus.relay.media.udp;

import chorus.relay.media.MediaPort;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * What a receive thread hands each datagram to, with that thread's working memory.
 *
 * @param <S> a receive thread's working memory (buffers), made once per socket it reads
 */
public interface DatagramHandler<S> {

    /** Working memory for one receiving socket's thread; it must hold {@link #datagramBuffer}. */
    S newReceiveState();

    /** The heap buffer of {@code state} a datagram is read into. */
    ByteBuffer datagramBuffer(S state);

    /**
     * A datagram arrived: its bytes are {@code datagramBuffer(state)}'s 0 to {@code length}. Called
     * on a receive thread; a sender's datagrams (one source address) all come on one thread, in
     * the order they arrived.
     */
    void onDatagram(MediaPort port, int length, InetSocketAddress from, S state);
}
