package chorus.client;

import java.awt.image.BufferedImage;

/**
 * One participant as a video tile shows them.
 *
 * @param self        this participant (the tile says "You")
 * @param image       the newest picture (never modified after it is handed out), or null
 * @param videoFrames pictures received (or, for self, captured) so far: changes when a new one arrives
 * @param videoActive a picture arrived recently (2 s): when false the tile shows the placeholder
 * @param audioLevel  RMS level 0..1 of this participant's voice, or -1 when it cannot be known (the
 *                    relay sends one mix, so other participants' levels are not available)
 * @param speaking    the level is known and above the speaking threshold (with a short hold)
 */
public record ParticipantView(String participantId, String name, boolean self, int mediaId, BufferedImage image,
                              long videoFrames, boolean videoActive, double audioLevel, boolean speaking) {
    /** The level of participants whose voice this client cannot hear separately. */
    public static final double LEVEL_UNKNOWN = -1;
}
