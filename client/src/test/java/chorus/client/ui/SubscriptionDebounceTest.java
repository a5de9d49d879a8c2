package chorus.client.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage.Source;
import chorus.protocol.control.ControlMessage.Subscribe;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.swing.SwingUtilities;
import org.junit.jupiter.api.Test;

/** A burst of changes sends one subscription, the last (Swing timer, no display needed). */
class SubscriptionDebounceTest {
    private static Subscribe layer(int layer) {
        return new Subscribe(List.of(Source.camera("p1", layer)), null);
    }

    @Test
    void aBurstSendsOnlyWhatIsWantedAtItsEndAndNothingUnchanged() throws Exception {
        List<Subscribe> sent = new CopyOnWriteArrayList<>();
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(2);
        SubscriptionDebounce debounce = new SubscriptionDebounce(s -> {
            sent.add(s);
            first.countDown();
            second.countDown();
        });
        SwingUtilities.invokeAndWait(() -> {
            for (int i = 0; i < 300; i++) { // a window's corner dragged: sizes flip between layers
                debounce.shown(layer(i % 3));
            }
            debounce.shown(layer(1));
            debounce.shown(null); // not laid out at that moment: changes nothing
        });
        assertTrue(first.await(5, TimeUnit.SECONDS));
        SwingUtilities.invokeAndWait(() -> {
            debounce.shown(layer(1)); // the same again: not sent
            debounce.shown(layer(2));
        });
        assertTrue(second.await(5, TimeUnit.SECONDS));
        assertEquals(List.of(layer(1), layer(2)), sent);
        SwingUtilities.invokeAndWait(debounce::stop);
    }
}
