package chorus.relay.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage.LastN;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.ControlMessage.Source;
import chorus.protocol.control.ControlMessage.Subscribe;
import chorus.protocol.control.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a subscription may name, and the cap: one bad part refuses the whole message, too many is cut and told. */
class SubscriptionCheckTest {
    private static final Map<String, ParticipantInfo> ROOM = Map.of(
            "ada", new ParticipantInfo("ada", "Ada", 1, List.of(180, 360, 720)),
            "bob", new ParticipantInfo("bob", "Bob", 2, null),
            "me", new ParticipantInfo("me", "Me", 3, null));

    private static SubscriptionCheck.Result check(Subscribe s, int max) {
        return SubscriptionCheck.check(s, "me", ROOM::get, max);
    }

    private static void refused(Subscribe s, String why) {
        SubscriptionCheck.Result r = check(s, 50);
        assertNull(r.applied(), why + ": nothing is applied");
        assertEquals(ErrorCode.BAD_SUBSCRIPTION.wire(), r.error().code(), why);
        assertTrue(r.error().message().contains("nothing changed"), r.error().message());
    }

    @Test
    void aSubscriptionToMembersAtLayersTheySendIsAppliedAsIs() {
        Subscribe s = new Subscribe(List.of(Source.camera("ada", 2), Source.camera("bob", 0), Source.screen("ada")),
                new LastN(3, 1));
        SubscriptionCheck.Result r = check(s, 50);
        assertEquals(s, r.applied());
        assertNull(r.error());
    }

    @Test
    void unknownMembersMissingLayersBadKindsOneselfAndRepeatsAreRefusedWhole() {
        refused(new Subscribe(List.of(Source.camera("ada", 0), Source.camera("zed", 0)), null), "not in the room");
        refused(new Subscribe(List.of(Source.camera("bob", 1)), null), "bob sends one layer");
        refused(new Subscribe(List.of(Source.camera("ada", 3)), null), "there is no fourth layer");
        refused(new Subscribe(List.of(Source.camera("ada", -1)), null), "nor a negative one");
        refused(new Subscribe(List.of(new Source("ada", "screen", 1)), null), "a screen has layer 0 only");
        refused(new Subscribe(List.of(new Source("ada", "microphone", 0)), null), "camera or screen");
        refused(new Subscribe(List.of(Source.camera("me", 0)), null), "oneself");
        refused(new Subscribe(List.of(Source.camera("ada", 0), Source.camera("ada", 1)), null), "ada twice");
        refused(new Subscribe(List.of(new Source(null, "camera", 0)), null), "no participant");
        refused(new Subscribe(List.of(), new LastN(-1, 0)), "a negative last-N");
        refused(new Subscribe(List.of(), new LastN(2, 5)), "a last-N layer that no sender has");
    }

    @Test
    void overTheCapTheFirstSourcesThenLastNAreKeptAndTheClientIsTold() {
        Subscribe s = new Subscribe(List.of(Source.camera("ada", 0), Source.camera("bob", 0)), new LastN(5, 0));
        SubscriptionCheck.Result r = check(s, 4);
        assertEquals(new Subscribe(List.of(Source.camera("ada", 0), Source.camera("bob", 0)), new LastN(2, 0)),
                r.applied(), "two sources, then two of last-N's five");
        assertEquals(ErrorCode.SUBSCRIPTION_CAPPED.wire(), r.error().code());
        SubscriptionCheck.Result sourcesOnly = check(s, 1);
        assertEquals(new Subscribe(List.of(Source.camera("ada", 0)), new LastN(0, 0)), sourcesOnly.applied());
    }
}
