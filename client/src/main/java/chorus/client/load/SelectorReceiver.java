package chorus.client.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The NIO receiver: one thread with a selector over every socket, one {@code receive} per datagram. */
final class SelectorReceiver extends LoadReceiver {
    private static final Logger log = LoggerFactory.getLogger(SelectorReceiver.class);
    private static final long SELECT_MILLIS = 20;
    /** Datagrams read from one socket before the next ready socket gets its turn. */
    private static final int BATCH = 64;
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private final Selector selector;
    private final Thread thread = new Thread(this::run, "load-receive");
    private volatile boolean running = true;

    SelectorReceiver(List<LoadParticipant> participants) throws IOException {
        super(participants);
        selector = Selector.open();
        try {
            for (Endpoint e : endpoints(participants)) {
                ((NioMediaSocket) e.socket()).channel.register(selector, SelectionKey.OP_READ, e);
            }
        } catch (IOException e) {
            selector.close();
            throw e;
        }
        thread.setDaemon(true);
    }

    @Override
    void start() {
        thread.start();
    }

    @Override
    void stop() throws InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(STOP_WAIT.toMillis());
    }

    @Override
    long cpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.isThreadCpuTimeSupported() ? threads.getThreadCpuTime(thread.getId()) : -1;
    }

    @Override
    String describe() {
        return "NIO selector, one receive per datagram";
    }

    private void run() {
        try {
            while (running) {
                selector.select(SELECT_MILLIS);
                for (SelectionKey key : selector.selectedKeys()) {
                    drain((Endpoint) key.attachment());
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            log.warn("receiver stopped: {}", e.toString());
        } finally {
            try {
                selector.close();
            } catch (IOException ignoredOnClose) {
                // closing anyway
            }
        }
    }

    private void drain(Endpoint e) {
        NioMediaSocket socket = (NioMediaSocket) e.socket();
        for (int i = 0; i < BATCH; i++) {
            buffer.clear();
            SocketAddress from;
            try {
                from = socket.channel.receive(buffer);
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException failed) {
                readFailed();
                return;
            }
            if (from == null) {
                return;
            }
            handle(e, buffer.position(), from, System.nanoTime());
        }
    }
}
