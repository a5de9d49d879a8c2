package chorus.client.session;

/**
 * What one simulcast layer of this client's camera sent: frames encoded and sent, pictures left
 * unencoded because nobody watched the layer (dynacast paused it), and keyframes; for the bot's
 * report and for tests that a paused layer costs nothing.
 *
 * @param layer  0 (smallest) to 2
 * @param height the layer's height in lines, 0 for a single layer sent at the camera's size
 * @param paused whether the relay last said nobody watches it
 */
public record CameraLayer(int layer, int height, long framesSent, long framesPaused, long keyframesSent,
                          boolean paused) {
}
