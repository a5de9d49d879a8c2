package chorus.client.device;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avdevice;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * A camera read through JavaCV's FFmpeg grabber: {@code v4l2} on Linux, {@code avfoundation} on
 * macOS, or an FFmpeg {@code lavfi} graph (a synthetic camera through the same code path, for tests).
 * Asks for 640x480 at the call's frame rate; the driver may give another size.
 */
public final class FfmpegCamera implements VideoCapture {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 480;
    private static volatile boolean loaded;

    private final FFmpegFrameGrabber grabber;
    private final Java2DFrameConverter converter = new Java2DFrameConverter();
    private final String label;

    private FfmpegCamera(FFmpegFrameGrabber grabber, String label) {
        this.grabber = grabber;
        this.label = label;
    }

    /** A camera FFmpeg opens as {@code input} with input format {@code format}. */
    record Device(String id, String label, String format, String input) implements MediaDevice<VideoCapture> {
        @Override
        public VideoCapture open() throws DeviceUnavailableException {
            return FfmpegCamera.open(format, input, label, 15);
        }
    }

    /** Loads FFmpeg's native libraries once (a second or so) and registers its capture devices. */
    static synchronized void load() throws DeviceUnavailableException {
        if (loaded) {
            return;
        }
        try {
            avutil.av_log_set_level(avutil.AV_LOG_FATAL); // failures are reported as exceptions, with our message
            avdevice.avdevice_register_all();
            loaded = true;
        } catch (LinkageError | RuntimeException e) {
            throw new DeviceUnavailableException("Camera support (FFmpeg through JavaCV) could not load on this "
                    + "system (" + e.getMessage() + "). On Debian, install the package libpulse0.", e);
        }
    }

    public static FfmpegCamera open(String format, String input, String label, int fps) throws DeviceUnavailableException {
        if (format.equals("v4l2") && !Files.exists(Path.of(input))) {
            throw new DeviceUnavailableException("No camera at " + input + ": the device is not there (unplugged?).");
        }
        load();
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(input);
        grabber.setFormat(format);
        if (!format.equals("lavfi")) {
            grabber.setImageWidth(WIDTH);
            grabber.setImageHeight(HEIGHT);
            grabber.setFrameRate(fps);
        }
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            release(grabber);
            throw new DeviceUnavailableException(explain(label, e.getMessage()), e);
        }
        return new FfmpegCamera(grabber, label);
    }

    /** FFmpeg's "error -16" and friends, in words. */
    static String explain(String label, String ffmpegMessage) {
        String m = ffmpegMessage == null ? "" : ffmpegMessage;
        if (m.contains("error -16")) {
            return "The camera " + label + " is busy: another application is using it.";
        }
        if (m.contains("error -13")) {
            return "No permission to use the camera " + label + " (on Linux, join the 'video' group).";
        }
        if (m.contains("error -2") || m.contains("error -19")) {
            return "No camera at " + label + ": the device is not there (unplugged?).";
        }
        return "The camera " + label + " could not be opened (" + m + ").";
    }

    @Override
    public BufferedImage grab() throws IOException {
        Frame frame;
        try {
            frame = grabber.grabImage();
        } catch (FrameGrabber.Exception e) {
            throw new IOException(e.getMessage(), e);
        }
        if (frame == null || frame.image == null) {
            throw new IOException("the camera " + label + " sent no picture");
        }
        return converter.convert(frame); // reused by the converter: valid until the next grab
    }

    @Override
    public void close() {
        release(grabber);
    }

    private static void release(FFmpegFrameGrabber grabber) {
        try {
            grabber.stop();
            grabber.release();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            // closing anyway
        }
    }
}
