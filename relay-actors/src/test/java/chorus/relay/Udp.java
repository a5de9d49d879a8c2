package chorus.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;

/** Test helper: a bounded wait for one datagram. Leaves the channel in non-blocking mode. */
public final class Udp {
    private Udp() {
    }

    /** The next datagram (flipped), or null if none arrives within {@code timeout}. */
    public static ByteBuffer receive(DatagramChannel ch, Duration timeout) throws IOException {
        ch.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            ch.register(selector, SelectionKey.OP_READ);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                ByteBuffer b = ByteBuffer.allocate(65536);
                if (ch.receive(b) != null) {
                    return b.flip();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
            }
        }
    }
}
