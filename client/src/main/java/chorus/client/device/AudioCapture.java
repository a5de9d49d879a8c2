package chorus.client.device;

import chorus.client.media.AudioSource;

/**
 * An open microphone (or a synthetic one): {@link #read} fills one 20 ms frame every 20 ms, on the
 * call's audio clock, and must not block for long. Closing releases the device.
 */
public interface AudioCapture extends AudioSource, AutoCloseable {
    @Override
    void close();
}
