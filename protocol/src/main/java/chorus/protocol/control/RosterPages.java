package chorus.protocol.control;

import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.ControlMessage.RosterPage;
import java.util.ArrayList;
import java.util.List;

/**
 * A roster cut into {@link RosterPage}s, and put back together. Pages are cut by encoded size, not
 * by count: each is filled with as many members as fit under {@link ControlCodec#MAX_FRAME_BYTES}
 * with their names and layers as they are, so a room of long multi-byte names gets more pages and
 * no frame is ever over the limit.
 */
public final class RosterPages {
    /** A page with no member and the widest page numbers: what every page costs besides its members. */
    private static final int PAGE_OVERHEAD = ControlCodec.toJson(
            new RosterPage(Integer.MAX_VALUE, Integer.MAX_VALUE, List.of())).length;
    /** Bytes left for members in one page; each member costs its JSON and a comma. */
    static final int MEMBER_BUDGET = ControlCodec.MAX_FRAME_BYTES - PAGE_OVERHEAD;

    private RosterPages() {
    }

    /**
     * {@code roster} in pages, in order; one empty page for an empty roster, so a client always
     * sees a last page.
     *
     * @throws IllegalArgumentException when one member alone does not fit a frame (a relay's ids
     *                                  and checked names never come near it)
     */
    public static List<RosterPage> of(List<ParticipantInfo> roster) {
        List<List<ParticipantInfo>> cut = new ArrayList<>();
        List<ParticipantInfo> page = new ArrayList<>();
        int used = 0;
        for (ParticipantInfo p : roster) {
            int cost = ControlCodec.jsonLength(p) + 1;
            if (cost > MEMBER_BUDGET) {
                throw new IllegalArgumentException("roster entry of " + cost + " bytes fits no control frame: "
                        + p.participantId());
            }
            if (used + cost > MEMBER_BUDGET) {
                cut.add(page);
                page = new ArrayList<>();
                used = 0;
            }
            page.add(p);
            used += cost;
        }
        cut.add(page);
        List<RosterPage> pages = new ArrayList<>(cut.size());
        for (int i = 0; i < cut.size(); i++) {
            pages.add(new RosterPage(i, cut.size(), List.copyOf(cut.get(i))));
        }
        return pages;
    }

    /**
     * Collects the pages that follow a welcome: in order, as many members as the welcome said, and
     * nothing past the last page. Not thread-safe: one reader feeds it.
     */
    public static final class Assembly {
        private final int rosterSize;
        private final List<ParticipantInfo> members;
        private int nextPage;
        private int pages = -1;

        /** @param rosterSize the welcome's {@code rosterSize} */
        public Assembly(int rosterSize) {
            this.rosterSize = rosterSize;
            this.members = new ArrayList<>(Math.max(0, Math.min(rosterSize, 100_000)));
        }

        /**
         * Takes the next page in.
         *
         * @return true when it was the last one: {@link #roster()} is then the whole roster
         * @throws ControlProtocolException when the page is out of order, past the last, disagrees
         *                                  on the page count or brings more or fewer members than the welcome said
         */
        public boolean add(RosterPage page) throws ControlProtocolException {
            if (complete()) {
                throw bad("roster page " + page.page() + " after the last of " + pages);
            }
            if (page.pages() < 1 || page.page() != nextPage || (pages >= 0 && page.pages() != pages)) {
                throw bad("roster page " + page.page() + " of " + page.pages() + " where page " + nextPage
                        + (pages < 0 ? "" : " of " + pages) + " was due");
            }
            List<ParticipantInfo> got = page.participants() == null ? List.of() : page.participants();
            if (members.size() + got.size() > rosterSize) {
                throw bad("roster pages hold more than the welcome's " + rosterSize + " members");
            }
            pages = page.pages();
            members.addAll(got);
            nextPage++;
            if (complete() && members.size() != rosterSize) {
                throw bad("roster pages hold " + members.size() + " members, the welcome said " + rosterSize);
            }
            return complete();
        }

        public boolean complete() {
            return pages >= 0 && nextPage == pages;
        }

        /** The members so far, in join order (the whole roster once {@link #complete()}). */
        public List<ParticipantInfo> roster() {
            return List.copyOf(members);
        }

        private static ControlProtocolException bad(String why) {
            return new ControlProtocolException(ErrorCode.MALFORMED_FRAME, why);
        }
    }
}
