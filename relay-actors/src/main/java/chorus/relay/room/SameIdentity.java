package chorus.relay.room;

import chorus.protocol.control.ControlMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One identity is one participant, for a {@link RoomEntity}: the members a newcomer replaces, and
 * the replaced ones remembered (the newest {@link #REMEMBERED}) so that a sync their node sent
 * before it heard of it does not bring them back.
 */
final class SameIdentity {
    private static final Logger log = LoggerFactory.getLogger(SameIdentity.class);
    /** The reason of the {@link RoomEntity.MemberLeft} of a replaced member: its node's part closes it. */
    static final String REPLACED = "replaced";
    static final int REMEMBERED = 1024;
    private final Set<String> replaced = new LinkedHashSet<>();

    /** The members holding the newcomer's identity (none for a join without one), now remembered as replaced. */
    List<RoomEntity.Member> replacedBy(RoomEntity.Member newcomer, Collection<RoomEntity.Member> members) {
        List<RoomEntity.Member> out = new ArrayList<>();
        if (newcomer.identity() == null) {
            return out;
        }
        for (RoomEntity.Member m : members) {
            if (newcomer.identity().equals(m.identity())
                    && !m.info().participantId().equals(newcomer.info().participantId())) {
                log.info("{} ({}) joined again on {}: the earlier connection on {} is replaced", m.info().name(),
                        m.info().participantId(), newcomer.home().node(), m.home().node());
                out.add(m);
                replaced.add(m.info().participantId());
                if (replaced.size() > REMEMBERED) {
                    replaced.remove(replaced.iterator().next());
                }
            }
        }
        return out;
    }

    /** {@code members} (a node's sync) without those replaced: a sync sent before their node closed them. */
    List<ControlMessage.ParticipantInfo> notReplaced(List<ControlMessage.ParticipantInfo> members) {
        return members.stream().filter(p -> !replaced.contains(p.participantId())).toList();
    }
}
