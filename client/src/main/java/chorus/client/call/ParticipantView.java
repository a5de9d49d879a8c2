package chorus.client.call;

import java.awt.image.BufferedImage;

/**
 * One participant as a video tile shows them.
 *
 * @param self        this participant (the tile says "You")
 * @param image       the newest picture (never modified after it is handed out), or null
 * @param videoFrames pictures received (or, for self, captured) so far: changes when a new one arrives
 * @param videoActive a picture arrived recently (2 s): when false the tile shows the placeholder
 * @param audioLevel  RMS level 0..1 of this participant's voice: for this participant from the
 *                    microphone, for others from the levels the relay reports (0 while they are
 *                    silent), or {@link #LEVEL_UNKNOWN}
 * @param speaking    the level is above the speaking threshold (with a short hold): for others,
 *                    above -45 dBov within the last 300 ms
 * @param layers      heights of the camera layers they send, smallest first (null: one layer), as
 *                    the roster says: what a subscription may ask of them
 */
public record ParticipantView(String participantId, String name, boolean self, int mediaId, BufferedImage image,
                              long videoFrames, boolean videoActive, double audioLevel, boolean speaking,
                              java.util.List<Integer> layers) {
    /** The level of a participant whose voice this client cannot measure. */
    public static final double LEVEL_UNKNOWN = -1;
}
