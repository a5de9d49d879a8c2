package chorus.client.device;

/**
 * A device a call can open: a camera, a microphone, a speaker, or a synthetic stand-in for one.
 * Opening may be slow (a camera driver, a native library) and is never done on a UI thread.
 *
 * @param <T> what an open device is: {@link VideoCapture}, {@link AudioCapture} or {@link AudioPlayback}
 */
public interface MediaDevice<T extends AutoCloseable> {
    /** Stable identifier to remember a choice by, e.g. {@code v4l2:/dev/video0} or {@code test}. */
    String id();

    /** What a person calls it, e.g. {@code Integrated Webcam (/dev/video0)}. */
    String label();

    /** @throws DeviceUnavailableException with a message fit to show the user as it is */
    T open() throws DeviceUnavailableException;
}
