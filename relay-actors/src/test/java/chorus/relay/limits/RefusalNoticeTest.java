package chorus.relay.limits;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RefusalNoticeTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theFirstRefusalIsToldAtOnceThenTheRestOfTheIntervalAsOneCount() {
        RefusalNotice notice = new RefusalNotice(SECOND, 0);
        assertEquals(1, notice.refuse(10));
        assertEquals(0, notice.refuse(20));
        assertEquals(0, notice.refuse(SECOND / 2));
        assertEquals(0, notice.refuse(SECOND));
        assertEquals(4, notice.refuse(SECOND + 10), "the three held back and this one");
        assertEquals(0, notice.refuse(SECOND + 20));
    }
}
