package chorus.client.impairment;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP proxy on 127.0.0.1 in front of one relay media port, impairing both directions. Clients
 * send to {@link #address()} instead of the relay; like a NAT, the proxy gives each client source
 * address a socket of its own towards the relay (so the relay sees one address per client and its
 * return routability works), and sends what the relay answers on that socket back to that client.
 * Each client's path has its own seeded {@link ImpairedPath} per direction (seed, client number,
 * direction): the n-th datagram of the m-th client meets the same fate on every run. Datagrams
 * that are delayed wait in one bounded queue; when it is full they are dropped and counted.
 *
 * <p>Threads: one receiving from clients, one per client receiving from the relay, one delivering
 * what is delayed. Close it to stop them all.
 */
public final class ImpairmentProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ImpairmentProxy.class);
    /** Bounds the clients one proxy serves (each costs a socket and a thread). */
    public static final int MAX_CLIENTS = 256;
    /** Room for a burst of video from the relay while the proxy's thread is busy (the kernel may cap it). */
    private static final int SOCKET_BUFFER_BYTES = 1 << 20;

    private final InetSocketAddress relay;
    private final Impairment up;
    private final Impairment down;
    private final DatagramChannel front;
    private final ConcurrentHashMap<InetSocketAddress, Client> clients = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final PriorityQueue<Pending> queue = new PriorityQueue<>();
    private final int maxQueued;
    private final AtomicLong queueFull = new AtomicLong();
    private final AtomicLong clientsRefused = new AtomicLong();
    private long order;
    private volatile boolean closed;

    /** One client's socket towards the relay and its two impaired paths. */
    private final class Client {
        final InetSocketAddress address;
        final DatagramChannel upstream;
        final ImpairedPath toRelay;
        final ImpairedPath toClient;

        Client(InetSocketAddress address, int number) throws IOException {
            this.address = address;
            this.upstream = open(relay);
            this.toRelay = new ImpairedPath(up, seed(up.seed(), number, 0));
            this.toClient = new ImpairedPath(down, seed(down.seed(), number, 1));
        }
    }

    private record Pending(long dueNanos, long order, DatagramChannel via, InetSocketAddress to, byte[] data)
            implements Comparable<Pending> {
        @Override
        public int compareTo(Pending o) {
            int byTime = Long.compare(dueNanos - o.dueNanos, 0);
            return byTime != 0 ? byTime : Long.compare(order, o.order);
        }
    }

    private ImpairmentProxy(InetSocketAddress relay, Impairment up, Impairment down) throws IOException {
        this.relay = relay;
        this.up = up;
        this.down = down;
        this.maxQueued = Math.max(up.maxQueued(), down.maxQueued());
        this.front = open(relay);
    }

    private static DatagramChannel open(InetSocketAddress relay) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            return channel.bind(new InetSocketAddress(relay.getAddress(), 0));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * A proxy in front of {@code relay} (a media port on a loopback address), listening on an
     * ephemeral port of the same address.
     *
     * @param up   what happens to datagrams from clients to the relay
     * @param down what happens to datagrams from the relay to clients
     */
    public static ImpairmentProxy start(InetSocketAddress relay, Impairment up, Impairment down) throws IOException {
        ImpairmentProxy proxy = new ImpairmentProxy(relay, up, down);
        proxy.thread("impairment-front-" + proxy.address().getPort(), proxy::receiveFromClients);
        proxy.thread("impairment-delivery-" + proxy.address().getPort(), proxy::deliver);
        return proxy;
    }

    private static long seed(long seed, int client, int direction) {
        return seed * 1_000_003L + client * 2L + direction;
    }

    private void thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        synchronized (threads) {
            threads.add(t);
        }
        t.start();
    }

    /** Where clients send instead of the relay's port. */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) front.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void receiveFromClients() {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (!closed) {
            SocketAddress from;
            buffer.clear();
            try {
                from = front.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.debug("proxy receive failed: {}", e.toString());
                continue;
            }
            Client client = client((InetSocketAddress) from);
            if (client != null) {
                buffer.flip();
                pass(client.toRelay, up, client.upstream, relay, buffer);
            }
        }
    }

    private Client client(InetSocketAddress from) {
        Client client = clients.get(from);
        if (client != null) {
            return client;
        }
        synchronized (clients) {
            client = clients.get(from);
            if (client != null || closed) {
                return client;
            }
            if (clients.size() >= MAX_CLIENTS) {
                clientsRefused.incrementAndGet();
                return null;
            }
            try {
                client = new Client(from, clients.size());
            } catch (IOException e) {
                log.warn("proxy cannot open a socket towards {}: {}", relay, e.toString());
                return null;
            }
            clients.put(from, client);
            Client made = client;
            thread("impairment-up-" + address().getPort() + "-" + from.getPort(), () -> receiveFromRelay(made));
            return client;
        }
    }

    private void receiveFromRelay(Client client) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (!closed) {
            SocketAddress from;
            buffer.clear();
            try {
                from = client.upstream.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.debug("proxy receive failed: {}", e.toString());
                continue;
            }
            if (relay.equals(from)) {
                buffer.flip();
                pass(client.toClient, down, front, client.address, buffer);
            }
        }
    }

    /** Decides the datagram's fate on {@code path}: sent now, queued for later, or lost. */
    private void pass(ImpairedPath path, Impairment impairment, DatagramChannel via, InetSocketAddress to,
                      ByteBuffer datagram) {
        long wait = path.fate();
        if (wait == ImpairedPath.LOST) {
            return;
        }
        if (impairment.immediate()) {
            send(via, to, datagram);
            return;
        }
        byte[] data = new byte[datagram.remaining()];
        datagram.get(data);
        synchronized (queue) {
            if (queue.size() >= maxQueued) {
                queueFull.incrementAndGet();
                return;
            }
            queue.add(new Pending(System.nanoTime() + wait, order++, via, to, data));
            queue.notifyAll();
        }
    }

    private void deliver() {
        while (!closed) {
            Pending next;
            synchronized (queue) {
                next = queue.peek();
                long wait = next == null ? 100_000_000L : next.dueNanos - System.nanoTime();
                if (wait > 0) {
                    try {
                        queue.wait(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
                queue.poll();
            }
            send(next.via, next.to, ByteBuffer.wrap(next.data));
        }
    }

    private void send(DatagramChannel via, InetSocketAddress to, ByteBuffer datagram) {
        try {
            via.send(datagram, to);
        } catch (IOException e) {
            if (!closed) {
                log.debug("proxy send to {} failed: {}", to, e.toString());
            }
        }
    }

    /** Datagrams passed towards the relay, by all clients. */
    public long passedToRelay() {
        return clients.values().stream().mapToLong(c -> c.toRelay.passed()).sum();
    }

    public long lostToRelay() {
        return clients.values().stream().mapToLong(c -> c.toRelay.lost()).sum();
    }

    /** Datagrams passed towards clients. */
    public long passedToClients() {
        return clients.values().stream().mapToLong(c -> c.toClient.passed()).sum();
    }

    public long lostToClients() {
        return clients.values().stream().mapToLong(c -> c.toClient.lost()).sum();
    }

    /** Datagrams held back (both directions) so that later ones overtake them. */
    public long reordered() {
        return clients.values().stream().mapToLong(c -> c.toRelay.reordered() + c.toClient.reordered()).sum();
    }

    /** Datagrams dropped because the delay queue was full. */
    public long queueFull() {
        return queueFull.get();
    }

    /** Client addresses refused: the proxy served {@link #MAX_CLIENTS} already. */
    public long clientsRefused() {
        return clientsRefused.get();
    }

    public int clients() {
        return clients.size();
    }

    @Override
    public void close() {
        closed = true;
        try {
            front.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        synchronized (clients) {
            for (Client c : clients.values()) {
                try {
                    c.upstream.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
        synchronized (queue) {
            queue.clear();
            queue.notifyAll();
        }
        List<Thread> all;
        synchronized (threads) {
            all = List.copyOf(threads);
        }
        for (Thread t : all) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
