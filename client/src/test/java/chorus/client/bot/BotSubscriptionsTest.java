package chorus.client.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A bot showing N tiles subscribes to the first N others in roster order, each at most at its largest layer. */
class BotSubscriptionsTest {
    private static ParticipantInfo p(String id, List<Integer> layers) {
        return new ParticipantInfo(id, id, id.hashCode() & 0xFFFF, layers);
    }

    @Test
    void theFirstOthersInRosterOrderAtTheAskedLayerOrTheirLargest() {
        List<ParticipantInfo> roster = List.of(p("ada", List.of(180, 360)), p("me", List.of(180, 360, 720)),
                p("bea", null), p("cy", List.of(180, 360, 720)), p("dan", List.of(180, 360, 720)));
        ControlMessage.Subscribe s = new BotSubscriptions(3, 2).forRoster(roster, "me");
        assertEquals(List.of(ControlMessage.Source.camera("ada", 1), ControlMessage.Source.camera("bea", 0),
                ControlMessage.Source.camera("cy", 2)), s.sources());
        assertEquals(null, s.lastN());
        assertEquals(List.of(), new BotSubscriptions(0, 0).forRoster(roster, "me").sources(), "no tiles: no video");
    }
}
