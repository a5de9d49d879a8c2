package chorus.relay.access;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a token lets its holder do in the room; a token without a {@code grants} claim has them all. */
public enum Grant {
    /** Audio from this participant is mixed (else dropped and counted). */
    PUBLISH_AUDIO,
    /** Video from this participant is forwarded (else dropped and counted). */
    PUBLISH_VIDEO,
    /** This participant is sent the room's video and mixed audio (else nothing). */
    SUBSCRIBE,
    /** This participant may become the presenter ({@code screen-start}). */
    PRESENT,
    /** This participant may upload files to the room. */
    SHARE_FILES;

    public static final Set<Grant> ALL = Set.copyOf(EnumSet.allOf(Grant.class));

    /** The name in the token's {@code grants} claim, e.g. {@code publish-audio}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The grant named {@code wire}, or null. */
    public static Grant ofWire(String wire) {
        for (Grant g : values()) {
            if (g.wire().equals(wire)) {
                return g;
            }
        }
        return null;
    }
}
