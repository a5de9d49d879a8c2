package chorus.client.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.DominantSpeaker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which streams each load receiver subscribes to, and so which it should receive. */
class SubscriptionPlanTest {
    private static final int N = SubscriptionPlan.NONE;
    private static final Map<String, Integer> IDS = Map.of("a", 0, "b", 1, "c", 2, "d", 3, "e", 4, "f", 5);

    @Test
    void aPageIsTheNextVideoSendersInJoinOrderWrappingRoundAndNeverOneself() {
        SubscriptionPlan plan = new SubscriptionPlan(3, 0, 0, 0);
        assertEquals(List.of(1, 2, 3), plan.page(0, 6, 6));
        assertEquals(List.of(5, 0, 1), plan.page(4, 6, 6));
        assertEquals(List.of(0), plan.page(3, 6, 1), "a webinar viewer's page is the presenter");
        assertEquals(List.of(), plan.page(0, 6, 1), "the presenter has no one else to show");
        assertEquals(List.of(1, 2), new SubscriptionPlan(9, 0, 0, 0).page(0, 3, 3), "no more than there are");
    }

    @Test
    void theSubscribeMessageNamesThePageAtItsLayerAndTheLastN() {
        ControlMessage.Subscribe s = new SubscriptionPlan(2, 0, 1, 2).message(List.of("b", "c"));
        assertEquals(List.of(ControlMessage.Source.camera("b", 0), ControlMessage.Source.camera("c", 0)), s.sources());
        assertEquals(new ControlMessage.LastN(1, 2), s.lastN());
        assertNull(new SubscriptionPlan(2, 1, 0, 0).message(List.of("b", "c")).lastN(), "no last-N asked");
    }

    @Test
    void lastNFollowsTheRecentSpeakersSkipsOneselfAndTakesTheLargerLayerWhereBothAsk() {
        SubscriptionPlan plan = new SubscriptionPlan(2, 0, 1, 2);
        DominantSpeaker aSpeaks = new DominantSpeaker("a", List.of("a", "b"));
        assertEquals(List.of(0), plan.lastN(3, aSpeaks, IDS));
        assertEquals(List.of(1), plan.lastN(0, aSpeaks, IDS), "never oneself: the next recent speaker");
        assertArrayEquals(new int[] {2, 0, N, N, N, N}, plan.wanted(5, 6, 6, aSpeaks, IDS),
                "f's page wraps round to a, b at 0; a is also its last-N: at 2");
        assertArrayEquals(new int[] {2, N, N, N, 0, 0}, plan.wanted(3, 6, 6, aSpeaks, IDS),
                "d's page e, f at 0, and a as last-N at 2");
        assertArrayEquals(new int[] {N, 2, 0, N, N, N}, plan.wanted(0, 6, 6, aSpeaks, IDS),
                "b on the page at 0 and last-N at 2: at 2");
        assertArrayEquals(new int[] {N, 0, 0, N, N, N}, plan.wanted(0, 6, 6, null, IDS), "no speaker yet: page only");
    }

    @Test
    void allToAllIsEveryOtherCameraAtItsLargestLayer() {
        assertArrayEquals(new int[] {2, N, 2}, SubscriptionPlan.allToAll(1, 3, 3));
        assertArrayEquals(new int[] {0}, SubscriptionPlan.allToAll(4, 1, 1), "a viewer wants the presenter");
    }

    @Test
    void aLayerTheSendersDoNotSendIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SubscriptionPlan(2, 1, 0, 0).checkLayers(1));
        assertThrows(IllegalArgumentException.class, () -> new SubscriptionPlan(2, 0, 1, 3).checkLayers(3));
        assertThrows(IllegalArgumentException.class, () -> new SubscriptionPlan(-1, 0, 0, 0));
        new SubscriptionPlan(9, 0, 1, 2).checkLayers(3);
    }
}
