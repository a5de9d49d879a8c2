package chorus.relay.media;

import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaKind;

/** The two UDP sockets a relay listens on; each kind of media belongs to one of them. */
public enum MediaPort {
    VIDEO,
    AUDIO;

    /** Whether a datagram of this kind may arrive on this port. */
    public boolean accepts(MediaKind kind) {
        return switch (kind) {
            case HELLO, KEEPALIVE, RESPONSE -> true;
            case CHALLENGE -> false; // relay to client only
            case VIDEO, SCREEN, NACK, KEYFRAME_REQUEST -> this == VIDEO;
            case AUDIO -> this == AUDIO;
        };
    }

    /** The channel number in the nonce of this port's datagrams (PROTOCOL.md §3.3). */
    public int channel() {
        return this == VIDEO ? MediaCipher.VIDEO_CHANNEL : MediaCipher.AUDIO_CHANNEL;
    }
}
