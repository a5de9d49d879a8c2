package chorus.bench;

import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlProtocolException;
import chorus.protocol.control.RosterPages;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Large rooms, control only: joins 1 000 and then 10 000 members to one room over raw TCP control
 * connections and reports the relay's heap per member and how long a join takes from hello to the
 * last roster page. The relay runs in a child JVM (each process then stays under its own
 * file-descriptor limit with 10 000 connections); this process holds the connections, reads the
 * welcome and pages of each join and then drains whatever the relay sends its members.
 * {@code java -cp ... chorus.bench.RosterScale [members...]} (default 1000 10000).
 */
public final class RosterScale {
    private static final String ROOM = "roster-scale";

    private RosterScale() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("relay")) {
            relay();
            return;
        }
        int[] steps = args.length == 0 ? new int[] {1000, 10_000} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx4g", System.getProperty("chorus.bench.relay.jvm-flag", "-Dchorus.bench=roster"), "-cp",
                System.getProperty("java.class.path"), RosterScale.class.getName(), "relay")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader fromRelay = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        PrintStream toRelay = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
        int port = (int) number(fromRelay);
        InetSocketAddress relay = new InetSocketAddress("127.0.0.1", port);
        Drain drain = new Drain();
        Thread drainer = new Thread(drain::run, "drain");
        drainer.setDaemon(true);
        drainer.start();
        long baseline = heap(toRelay, fromRelay, drain);
        System.out.printf("relay heap with an empty room: %.1f MiB%n", baseline / 1048576.0);
        System.out.println("members | joined in (s) | relay heap (MiB) | heap per member (KiB) | join of the last member: hello to last page (ms), pages");
        int members = 0;
        long started = System.nanoTime();
        try {
            for (int step : steps) {
                // All but the step's last member join JOINERS at a time (people join a large room at
                // once, and one at a time the fill is bound by each join's latency, not the relay);
                // the last joins alone, timed, into a room of step - 1.
                java.util.concurrent.ExecutorService joiners = java.util.concurrent.Executors.newFixedThreadPool(JOINERS);
                List<java.util.concurrent.Future<?>> joins = new java.util.ArrayList<>();
                for (; members < step - 1; members++) {
                    String name = "m" + members;
                    joins.add(joiners.submit(() -> {
                        SocketChannel ch = SocketChannel.open(relay);
                        join(ch, name);
                        drain.add(ch);
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> j : joins) {
                    j.get();
                }
                joiners.shutdown();
                long t0 = System.nanoTime();
                SocketChannel last = SocketChannel.open(relay);
                int lastPages = join(last, "m" + members);
                double lastJoinMillis = (System.nanoTime() - t0) / 1e6;
                drain.add(last);
                members++;
                double joinedIn = (System.nanoTime() - started) / 1e9;
                long used = heap(toRelay, fromRelay, drain);
                System.out.printf("%7d | %13.1f | %16.1f | %21.2f | %.1f ms, %d pages%n", members, joinedIn,
                        used / 1048576.0, (used - baseline) / 1024.0 / members, lastJoinMillis, lastPages);
            }
        } finally {
            toRelay.println("quit");
            child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            child.destroyForcibly();
        }
        System.exit(0);
    }

    /** Hello, then the welcome and its pages, blocking; the number of pages. */
    /** Members joining at once while a step fills. */
    private static final int JOINERS = 16;

    private static int join(SocketChannel ch, String name) throws IOException, ControlProtocolException {
        ch.write(ByteBuffer.wrap(ControlCodec.encodeFrame(
                new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, name, ROOM, "roster-scale"))));
        DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
        ControlMessage first = ControlCodec.readFrame(in);
        if (!(first instanceof ControlMessage.Welcome w)) {
            throw new IOException(name + ": expected a welcome, got " + first);
        }
        RosterPages.Assembly pages = new RosterPages.Assembly(w.rosterSize());
        int count = 0;
        while (true) {
            ControlMessage m = ControlCodec.readFrame(in);
            if (m instanceof ControlMessage.RosterPage page) {
                count++;
                if (pages.add(page)) {
                    return count;
                }
            } else {
                throw new IOException(name + ": expected a roster page, got " + m);
            }
        }
    }

    /** Waits until the members' news has been read (two quiet seconds; the relay pings only every 30 min here), then asks the relay for its heap after a GC. */
    private static long heap(PrintStream toRelay, BufferedReader fromRelay, Drain drain) throws Exception {
        long seen = -1;
        for (int i = 0; i < 600 && seen != drain.bytes.get(); i++) {
            seen = drain.bytes.get();
            Thread.sleep(2000);
        }
        toRelay.println("heap");
        return number(fromRelay);
    }

    /** The child's next answer: its next line that is a number (its log may print lines too). */
    private static long number(BufferedReader fromRelay) throws IOException {
        for (String line; (line = fromRelay.readLine()) != null; ) {
            if (line.trim().matches("[0-9]+")) {
                return Long.parseLong(line.trim());
            }
        }
        throw new IOException("the relay process ended");
    }

    /** Reads and drops everything the relay sends the joined members, so none falls behind. */
    private static final class Drain {
        final AtomicLong bytes = new AtomicLong();
        private final Queue<SocketChannel> added = new ConcurrentLinkedQueue<>();
        private final Selector selector;

        Drain() throws IOException {
            selector = Selector.open();
        }

        void add(SocketChannel ch) {
            added.add(ch);
            selector.wakeup();
        }

        void run() {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
            try {
                while (true) {
                    for (SocketChannel ch; (ch = added.poll()) != null; ) {
                        ch.configureBlocking(false);
                        ch.register(selector, SelectionKey.OP_READ);
                    }
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        buf.clear();
                        int n = ((SocketChannel) key.channel()).read(buf);
                        if (n < 0) {
                            key.cancel();
                        } else {
                            bytes.addAndGet(n);
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** The child: a relay with its limits raised for one big room; prints its port, answers "heap". */
    private static void relay() throws Exception {
        RelayNode relay = RelayNode.startOnLoopback(ConfigFactory.parseString("""
                chorus.relay {
                  access.mode = open
                  tls.enabled = false
                  access.token-key-file = "target/bench-token.key"
                  limits.room-size = 20000
                  limits.connections-per-address = 20000
                  limits.max-connections = 20000
                  limits.control-idle-timeout = 1h
                  keepalive.timeout = 1h
                  keepalive.ping-interval = 30m
                  control.outbox-frames = 20000
                }
                """));
        System.out.println(relay.controlPort());
        System.out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = commands.readLine()) != null && !line.equals("quit"); ) {
            if (line.equals("heap")) {
                System.gc();
                System.gc();
                System.out.println(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                System.out.flush();
            }
        }
        relay.close();
        System.exit(0);
    }
}
