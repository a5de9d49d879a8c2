package chorus.relay.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    @Test
    void aRouteIsFoundByItsMediaIdUntilItIsRemoved() {
        RouteTable<String> t = new RouteTable<>();
        t.put(1, "ada");
        t.put(70_000, "bob");
        assertEquals("ada", t.get(1));
        assertEquals("bob", t.get(70_000));
        assertNull(t.get(2));
        assertEquals(2, t.size());
        t.remove(1);
        assertNull(t.get(1));
        assertEquals(1, t.size());
    }

    @Test
    void aStaleRemoveLeavesTheNewerRouteInPlace() {
        RouteTable<String> t = new RouteTable<>();
        String first = new String("ada");
        String second = new String("ada");
        t.put(5, first);
        t.put(5, second); // the same id registered again (a rejoin) before the old route's stop
        assertFalse(t.remove(5, first));
        assertSame(second, t.get(5));
        assertTrue(t.remove(5, second));
        assertNull(t.get(5));
    }

    @Test
    void computeIfAbsentMakesOnce() {
        RouteTable<String> t = new RouteTable<>();
        AtomicInteger made = new AtomicInteger();
        assertEquals("r9", t.computeIfAbsent(9, id -> "r" + id + (made.incrementAndGet() > 1 ? "!" : "")));
        assertEquals("r9", t.computeIfAbsent(9, id -> "r" + id + (made.incrementAndGet() > 1 ? "!" : "")));
        assertEquals(1, made.get());
    }

    @Test
    void readersSeeEveryRouteAddedBeforeThemWhileOthersAreAdded() throws Exception {
        RouteTable<Integer> t = new RouteTable<>();
        int n = 2_000;
        CountDownLatch go = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                return;
            }
            for (int id = 1; id <= n; id++) {
                t.put(id, id);
            }
        });
        writer.start();
        go.countDown();
        int seen = 0;
        // every id published is found with its value, in order, while the writer keeps adding
        for (int id = 1; id <= n; ) {
            Integer v = t.get(id);
            if (v != null) {
                assertEquals(id, v);
                id++;
                seen++;
            } else if (!writer.isAlive()) {
                assertEquals(id, t.get(id), "the writer finished, so id " + id + " is there");
            }
        }
        writer.join(5_000);
        assertEquals(n, seen);
        assertEquals(n, t.size());
    }

    /**
     * Every leave walks the table's values (the gateway drops the leaver from each receiver's
     * counters), on whichever thread the leaver's actor runs: walks at once must each see every value.
     */
    @Test
    void threadsTakingTheValuesAtOnceEachGetThemAll() throws Exception {
        RouteTable<Integer> t = new RouteTable<>();
        for (int id = 1; id <= 100; id++) {
            t.put(id, id);
        }
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> walkers = new java.util.ArrayList<>();
        for (int w = 0; w < 4; w++) {
            Thread walker = new Thread(() -> {
                try {
                    go.await();
                    for (int round = 0; round < 2_000; round++) {
                        assertEquals(100, t.values().size());
                    }
                } catch (Throwable e) {
                    failed.compareAndSet(null, e);
                }
            });
            walkers.add(walker);
            walker.start();
        }
        go.countDown();
        for (Thread walker : walkers) {
            walker.join(30_000);
        }
        assertEquals(null, failed.get(), "no walk broke another");
    }
}
