package chorus.client.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import chorus.protocol.control.ErrorCode;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The relay's answers to a subscription become a sentence for the user; other errors are not its business. */
class CallSubscriptionTest {
    @Test
    void aRefusedOrCappedSubscriptionIsExplainedAndOtherErrorsAreNot() {
        AtomicInteger changes = new AtomicInteger();
        CallSubscription subscription = new CallSubscription(changes::incrementAndGet);
        subscription.relayError(ErrorCode.MESSAGE_TOO_LONG.wire(), "the message is 5000 characters");
        assertNull(subscription.problem(), "a chat refusal is the chat's");
        assertEquals(0, changes.get());

        subscription.relayError(ErrorCode.BAD_SUBSCRIPTION.wire(), "no participant p9 in the room");
        assertEquals("The relay refused the video subscription (no participant p9 in the room); the previous one stays.",
                subscription.problem());
        subscription.relayError(ErrorCode.SUBSCRIPTION_CAPPED.wire(), "at most 30 streams");
        assertEquals("The relay sends only part of the video shown (at most 30 streams).", subscription.problem());
        assertEquals(2, changes.get(), "the UI is told each time");
    }
}
