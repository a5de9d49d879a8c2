package chorus.relay.media;

import chorus.protocol.media.MediaKind;

/** The two UDP sockets a relay listens on; each kind of media belongs to one of them. */
public enum MediaPort {
    VIDEO,
    AUDIO;

    /** Whether a datagram of this kind may arrive on this port. */
    public boolean accepts(MediaKind kind) {
        return switch (kind) {
            case HELLO, KEEPALIVE -> true;
            case VIDEO, SCREEN -> this == VIDEO;
            case AUDIO -> this == AUDIO;
        };
    }
}
