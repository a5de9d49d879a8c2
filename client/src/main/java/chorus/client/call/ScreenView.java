package chorus.client.call;

import java.awt.image.BufferedImage;

/**
 * The room's presenter and their screen.
 *
 * @param self   this participant presents (their own screen is not sent back to them: image is null)
 * @param image  the newest picture of the screen (never modified after it is handed out), or null
 *               before the first arrives
 * @param frames pictures received so far: changes when a new one arrives
 */
public record ScreenView(String presenterId, String presenterName, int mediaId, boolean self, BufferedImage image,
                         long frames) {
}
