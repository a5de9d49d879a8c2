package chorus.client.impairment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.LoopbackRelay;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImpairmentProxyTest {
    private static final int COUNT = 100_000;

    private static long[] fates(ImpairedPath path, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = path.fate();
        }
        return out;
    }

    @Test
    void theSameSeedGivesTheSameFatesAndAnotherSeedOthers() {
        Impairment impairment = Impairment.loss(0.1, 42).withReordering(0.1, Duration.ofMillis(5))
                .withDelay(Duration.ofMillis(2), Duration.ofMillis(8));
        long[] first = fates(new ImpairedPath(impairment), 10_000);
        assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(fates(new ImpairedPath(impairment), 10_000)));
        assertNotEquals(java.util.Arrays.toString(first),
                java.util.Arrays.toString(fates(new ImpairedPath(impairment.withSeed(43)), 10_000)));
        GilbertElliott bursts = GilbertElliott.bursts(0.05, 4);
        assertEquals(java.util.Arrays.toString(fates(new ImpairedPath(impairment.withBurst(bursts)), 10_000)),
                java.util.Arrays.toString(fates(new ImpairedPath(impairment.withBurst(bursts)), 10_000)));
    }

    @Test
    void independentLossStaysWithinBoundsOverAFixedCount() {
        ImpairedPath path = new ImpairedPath(Impairment.loss(0.05, 7));
        long[] fates = fates(path, COUNT);
        long lost = java.util.Arrays.stream(fates).filter(f -> f == ImpairedPath.LOST).count();
        assertEquals(lost, path.lost());
        assertEquals(COUNT - lost, path.passed());
        assertTrue(lost > 0.045 * COUNT && lost < 0.055 * COUNT, "5% ± 0.5% lost: " + lost);
        assertEquals(0, path.reordered());
    }

    /** The mean length of the runs of consecutive losses. */
    private static double meanRun(long[] fates) {
        int runs = 0;
        int lost = 0;
        boolean inRun = false;
        for (long f : fates) {
            boolean l = f == ImpairedPath.LOST;
            if (l) {
                lost++;
                if (!inRun) {
                    runs++;
                }
            }
            inRun = l;
        }
        return runs == 0 ? 0 : (double) lost / runs;
    }

    @Test
    void burstLossComesInRunsAtItsRate() {
        GilbertElliott bursts = GilbertElliott.bursts(0.05, 4);
        assertEquals(0.05, bursts.lossRate(), 1e-9);
        long[] burst = fates(new ImpairedPath(Impairment.NONE.withBurst(bursts).withSeed(11)), COUNT);
        long lost = java.util.Arrays.stream(burst).filter(f -> f == ImpairedPath.LOST).count();
        assertTrue(lost > 0.04 * COUNT && lost < 0.06 * COUNT, "about 5% lost in bursts: " + lost);
        double burstRun = meanRun(burst);
        double independentRun = meanRun(fates(new ImpairedPath(Impairment.loss(0.05, 11)), COUNT));
        assertTrue(burstRun > 3 && burstRun < 5, "runs of 4 on average: " + burstRun);
        assertTrue(independentRun < 1.2, "independent losses rarely come together: " + independentRun);
    }

    private static ByteBuffer receive(DatagramChannel ch, Duration timeout, SocketAddress[] from) throws IOException {
        ch.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            ch.register(selector, SelectionKey.OP_READ);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                ByteBuffer b = ByteBuffer.allocate(2048);
                SocketAddress source = ch.receive(b);
                if (source != null) {
                    if (from != null) {
                        from[0] = source;
                    }
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

    private static DatagramChannel bound() throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20); // every datagram fits while the test reads
        return ch.bind(new InetSocketAddress("127.0.0.1", 0));
    }

    @Test
    void datagramsAreReorderedButAllArriveAndAnswersGoBackToEachClientLikeANat() throws Exception {
        Impairment reorder = Impairment.NONE.withReordering(0.2, Duration.ofMillis(20)).withSeed(5);
        int n = 300;
        try (DatagramChannel relay = bound(); DatagramChannel ada = bound(); DatagramChannel bob = bound();
             ImpairmentProxy proxy = ImpairmentProxy.start((InetSocketAddress) relay.getLocalAddress(), reorder,
                     Impairment.NONE)) {
            for (int i = 0; i < n; i++) {
                ada.send(ByteBuffer.allocate(4).putInt(0, i), proxy.address());
            }
            List<Integer> order = new ArrayList<>();
            SocketAddress[] from = new SocketAddress[1];
            Set<SocketAddress> adaSeenAs = new HashSet<>();
            while (order.size() < n) {
                ByteBuffer b = receive(relay, LoopbackRelay.WAIT, from);
                assertNotNull(b, "all " + n + " arrive, " + order.size() + " so far");
                order.add(b.getInt(0));
                adaSeenAs.add(from[0]);
            }
            assertEquals(n, new HashSet<>(order).size(), "each once");
            int inversions = 0;
            for (int i = 1; i < n; i++) {
                inversions += order.get(i) < order.get(i - 1) ? 1 : 0;
            }
            assertTrue(inversions > 0, "some overtook others");
            assertTrue(proxy.reordered() > 0);
            assertEquals(1, adaSeenAs.size(), "one source address per client");

            bob.send(ByteBuffer.allocate(4).putInt(0, -1), proxy.address());
            ByteBuffer fromBob = receive(relay, LoopbackRelay.WAIT, from);
            assertNotNull(fromBob);
            SocketAddress bobSeenAs = from[0];
            assertNotEquals(adaSeenAs.iterator().next(), bobSeenAs, "another client, another source address");

            relay.send(ByteBuffer.allocate(4).putInt(0, 7), adaSeenAs.iterator().next());
            relay.send(ByteBuffer.allocate(4).putInt(0, 8), bobSeenAs);
            ByteBuffer toAda = receive(ada, LoopbackRelay.WAIT, from);
            assertNotNull(toAda, "the relay's answer reaches the client");
            assertEquals(7, toAda.getInt(0));
            assertEquals(proxy.address(), from[0], "from the proxy's address, where the client sent");
            ByteBuffer toBob = receive(bob, LoopbackRelay.WAIT, null);
            assertNotNull(toBob);
            assertEquals(8, toBob.getInt(0));
            assertEquals(2, proxy.clients());
        }
    }

    @Test
    void theDelayQueueIsBoundedAndWhatDoesNotFitIsCounted() throws Exception {
        Impairment held = Impairment.NONE.withDelay(Duration.ofSeconds(30), Duration.ZERO).withMaxQueued(10);
        try (DatagramChannel relay = bound(); DatagramChannel ada = bound();
             ImpairmentProxy proxy = ImpairmentProxy.start((InetSocketAddress) relay.getLocalAddress(), held, held)) {
            for (int i = 0; i < 100; i++) {
                ada.send(ByteBuffer.allocate(4).putInt(0, i), proxy.address());
            }
            LoopbackRelay.await("the proxy took all 100", () -> proxy.passedToRelay() == 100);
            assertEquals(90, proxy.queueFull(), "ten wait, ninety did not fit");
            assertEquals(null, receive(relay, Duration.ofMillis(200), null), "nothing before its delay");
        }
    }
}
