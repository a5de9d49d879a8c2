package chorus.protocol.media;

/** Why a received datagram was thrown away. Counted per reason by whoever drops it. */
public enum DropReason {
    /** Shorter than header plus tag. */
    TOO_SHORT,
    BAD_MAGIC,
    BAD_VERSION,
    UNKNOWN_KIND,
    /** The payload length field disagrees with the datagram length, or exceeds the maximum payload. */
    BAD_LENGTH,
    /** Fragment index not below fragment count, or a count of zero. */
    BAD_FRAGMENT,
    /** No participant has this media id. */
    UNKNOWN_MEDIA_ID,
    /** Does not decrypt: the GCM tag fails with the key, channel and direction it must have. */
    BAD_TAG,
    /** A kind that is not expected on this port (e.g. audio on the video port). */
    WRONG_PORT,
    /** Screen from someone who is not the room's presenter. */
    NOT_PRESENTER,
    /** Arrived while a bounded queue was full: media is dropped rather than blocking. */
    QUEUE_FULL,
    /** Its packet number was seen before (inside the replay window). */
    REPLAYED,
    /** Its packet number is older than the replay window reaches. */
    TOO_OLD,
    /** Over the sender's media rate limit for the port (token bucket). */
    RATE_LIMITED,
    /** Audio or video from a participant whose access token does not grant publishing it. */
    NOT_ALLOWED,
    /** A complete frame its codec cannot decode (e.g. a corrupt Opus packet), or of a codec not expected there. */
    UNDECODABLE,
    /** A layer byte outside 0..2 (simulcast has three spatial layers at most). */
    BAD_LAYER;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
