package chorus.client.device;

import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * An open camera (or a synthetic one). {@link #grab} is called on the call's video clock at the
 * call's frame rate, may wait for the device's next frame, and returns an image valid until the
 * next call (sources reuse it). {@link #close} is called on the same thread, never during a grab.
 */
public interface VideoCapture extends AutoCloseable {
    BufferedImage grab() throws IOException;

    @Override
    void close();
}
