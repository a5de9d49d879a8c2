package chorus.relay.subscription;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.ControlMessage.Source;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.media.MediaHeader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks a client's {@code subscribe} against the room before it replaces the one before: every
 * source names a member of the room other than the client, a kind of camera or screen, and a layer
 * its sender sends (a screen has only layer 0), each (participant, kind) once; last-N asks for a
 * count of 0 or more at a layer that exists. One bad part refuses the whole message with
 * {@code bad-subscription}, saying which part. A subscription to more streams than the cap (the
 * sources, then last-N's count) is cut to the cap and applied, with {@code subscription-capped}.
 */
public final class SubscriptionCheck {

    /**
     * The outcome: what to apply (null when refused) and what to tell the client (null when nothing).
     */
    public record Result(ControlMessage.Subscribe applied, ControlMessage.Error error) {
        static Result refused(String why) {
            return new Result(null, ControlMessage.Error.of(ErrorCode.BAD_SUBSCRIPTION, why + "; nothing changed"));
        }
    }

    private SubscriptionCheck() {
    }

    /**
     * @param self       the subscriber's participant id
     * @param member     finds a member of the room by participant id (null: not in the room)
     * @param maxStreams {@code limits.max-subscribed-streams}
     */
    public static Result check(ControlMessage.Subscribe subscribe, String self, Function<String, ParticipantInfo> member,
                               int maxStreams) {
        List<Source> sources = subscribe.sources() == null ? List.of() : subscribe.sources();
        Set<String> seen = new HashSet<>();
        for (Source s : sources) {
            String problem = problem(s, self, member);
            if (problem != null) {
                return Result.refused(problem);
            }
            if (!seen.add(s.kind() + "/" + s.participantId())) {
                return Result.refused("the " + s.kind() + " of '" + s.participantId() + "' is named twice");
            }
        }
        ControlMessage.LastN lastN = subscribe.lastN();
        if (lastN != null && (lastN.count() < 0 || lastN.layer() < 0 || lastN.layer() >= MediaHeader.MAX_LAYERS)) {
            return Result.refused("lastN needs a count of 0 or more and a layer from 0 to " + (MediaHeader.MAX_LAYERS - 1)
                    + ", not " + lastN.count() + " at layer " + lastN.layer());
        }
        int asked = sources.size() + (lastN == null ? 0 : lastN.count());
        if (asked <= maxStreams) {
            return new Result(new ControlMessage.Subscribe(List.copyOf(sources), lastN), null);
        }
        List<Source> kept = new ArrayList<>(sources.subList(0, Math.min(sources.size(), maxStreams)));
        ControlMessage.LastN keptLastN = lastN == null ? null
                : new ControlMessage.LastN(Math.max(0, Math.min(lastN.count(), maxStreams - kept.size())), lastN.layer());
        return new Result(new ControlMessage.Subscribe(List.copyOf(kept), keptLastN),
                ControlMessage.Error.of(ErrorCode.SUBSCRIPTION_CAPPED, "a subscription takes at most " + maxStreams
                        + " streams (sources, then lastN's count); " + asked + " were asked: the first " + maxStreams
                        + " apply"));
    }

    private static String problem(Source s, String self, Function<String, ParticipantInfo> member) {
        if (s == null || s.participantId() == null) {
            return "a source needs a participantId";
        }
        if (!Source.CAMERA.equals(s.kind()) && !Source.SCREEN.equals(s.kind())) {
            return "a source's kind is camera or screen, not '" + s.kind() + "'";
        }
        if (s.participantId().equals(self)) {
            return "your own media is not sent back to you";
        }
        ParticipantInfo sender = member.apply(s.participantId());
        if (sender == null) {
            return "'" + s.participantId() + "' is not in the room";
        }
        int layers = Source.SCREEN.equals(s.kind()) ? 1 : sender.layerCount();
        if (s.layer() < 0 || s.layer() >= layers) {
            return "'" + s.participantId() + "' sends its " + s.kind() + " in " + layers + " layer(s), 0 to "
                    + (layers - 1) + "; there is no layer " + s.layer();
        }
        return null;
    }
}
