package chorus.protocol.control;

import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.ControlMessage.RosterPage;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RosterPagesTest {
    /** 64 code points of 4 UTF-8 bytes each: the longest name {@link Names} lets through, in bytes. */
    private static final String WORST_NAME = "\uD83C\uDFA4".repeat(Names.MAX_LENGTH);

    private static List<ParticipantInfo> worstCase(int n) {
        List<ParticipantInfo> roster = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            roster.add(new ParticipantInfo(UUID.randomUUID().toString(), WORST_NAME, Integer.MAX_VALUE - i,
                    List.of(180, 360, 720)));
        }
        return roster;
    }

    @Test
    void worstCaseNamesNeverMakeAFrameOverTheLimitAndEveryMemberArrivesOnce() throws Exception {
        List<ParticipantInfo> roster = worstCase(800);
        int whole = ControlCodec.toJson(new RosterPage(0, 1, roster)).length;
        assertTrue(whole > ControlCodec.MAX_FRAME_BYTES, "sent whole it would not fit: " + whole);

        List<RosterPage> pages = RosterPages.of(roster);
        assertTrue(pages.size() > 1, "cut into pages: " + pages.size());
        RosterPages.Assembly assembly = new RosterPages.Assembly(roster.size());
        for (RosterPage page : pages) {
            byte[] frame = ControlCodec.encodeFrame(page); // throws when over the limit
            assertTrue(frame.length - ControlCodec.LENGTH_PREFIX_BYTES <= ControlCodec.MAX_FRAME_BYTES);
            assertEquals(page, ControlCodec.decode(ControlCodec.toJson(page)));
            assertEquals(page.page() == pages.size() - 1, assembly.add(page));
        }
        assertEquals(roster, assembly.roster());
    }

    @Test
    void pagesAreFilledToTheLimitNotCutByCount() {
        List<RosterPage> pages = RosterPages.of(worstCase(800));
        RosterPage first = pages.get(0);
        ParticipantInfo next = pages.get(1).participants().get(0);
        List<ParticipantInfo> oneMore = new ArrayList<>(first.participants());
        oneMore.add(next);
        int withOneMore = ControlCodec.toJson(new RosterPage(0, pages.size(), oneMore)).length;
        assertTrue(withOneMore > ControlCodec.MAX_FRAME_BYTES - 30,
                "the first page takes all that fit (one more makes " + withOneMore + " bytes)");
    }

    @Test
    void anEmptyRosterIsOneEmptyPage() throws Exception {
        List<RosterPage> pages = RosterPages.of(List.of());
        assertEquals(List.of(new RosterPage(0, 1, List.of())), pages);
        assertTrue(new RosterPages.Assembly(0).add(pages.get(0)));
    }

    @Test
    void pagesOutOfOrderOrDisagreeingWithTheWelcomeAreRefused() throws Exception {
        List<ParticipantInfo> roster = worstCase(400);
        List<RosterPage> pages = RosterPages.of(roster);
        assertTrue(pages.size() >= 2);

        RosterPages.Assembly skipped = new RosterPages.Assembly(roster.size());
        assertEquals(ErrorCode.MALFORMED_FRAME,
                assertThrows(ControlProtocolException.class, () -> skipped.add(pages.get(1))).code());

        RosterPages.Assembly fewer = new RosterPages.Assembly(roster.size() + 1);
        for (int i = 0; i < pages.size() - 1; i++) {
            assertFalse(fewer.add(pages.get(i)));
        }
        assertThrows(ControlProtocolException.class, () -> fewer.add(pages.get(pages.size() - 1)));

        RosterPages.Assembly more = new RosterPages.Assembly(1);
        assertThrows(ControlProtocolException.class, () -> more.add(pages.get(0)));

        RosterPages.Assembly done = new RosterPages.Assembly(0);
        assertTrue(done.add(new RosterPage(0, 1, List.of())));
        assertThrows(ControlProtocolException.class, () -> done.add(new RosterPage(1, 1, List.of())));
    }
}
