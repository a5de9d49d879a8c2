package chorus.client.call;

import chorus.client.device.AudioCapture;
import chorus.client.device.AudioPlayback;
import chorus.client.device.DeviceKind;
import chorus.client.device.DeviceState;
import chorus.client.device.DeviceUnavailableException;
import chorus.client.device.MediaDevice;
import chorus.client.device.VideoCapture;
import chorus.client.media.AudioPlayout;
import chorus.client.media.AudioSink;
import chorus.client.media.SpeakingDetector;
import chorus.client.session.ClientThreads;
import chorus.client.session.MediaSession;
import chorus.protocol.audio.AudioFormat;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This participant's own devices: the microphone read every 20 ms on an audio clock, the camera
 * grabbed at the call's frame rate on a video clock, and the speaker (opened on a thread of its own). Capture runs whether or not
 * the call is connected (the self view keeps moving while the call reconnects); what is captured
 * is sent to the current {@link MediaSession}, if any, unless muted or stopped.
 *
 * <p>Each device is opened, read and closed on its own clock's thread, so a slow driver never
 * blocks a caller and a device is never closed in the middle of a read. Failures become a problem
 * sentence for the user; the device's switch goes back to off and stays usable.
 */
final class LocalMedia implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(LocalMedia.class);
    /** A camera that yields no picture for this long is given up, with a message. */
    static final long CAMERA_GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** The self view is a copy at most this wide (a camera's full 640 px: crisp in a large tile, cheap to copy). */
    static final int PREVIEW_WIDTH = 640;
    private static final long CLOSE_WAIT_MILLIS = 3_000;

    /** Called on the clocks' threads. */
    interface Events {
        void onChange();

        void onDeviceProblem(DeviceKind kind, String message);
    }

    private final Events events;
    private final int fps;
    private final long framePeriodNanos;
    /** Whether a self view is kept (a copy of each frame); a headless call keeps none. */
    private final boolean keepPreview;
    private final ScheduledExecutorService audioClock;
    private final ScheduledExecutorService videoClock;
    /** Opens and closes the speaker: the sound system can take seconds, which must not stall the microphone. */
    private final ScheduledExecutorService speakerThread;
    private volatile MediaSession target;
    private volatile boolean closed;

    // microphone: audio clock thread only, except the volatile fields
    private MediaDevice<AudioCapture> microphoneDevice;
    private volatile AudioCapture microphone; // volatile: the snapshot reads whether it is open
    private final short[] samples = new short[AudioFormat.FRAME_SAMPLES];
    private final SpeakingDetector voice = new SpeakingDetector();
    /** What the user asked for; a call starts unmuted, so a microphone given is opened at once. */
    private volatile boolean wantMuted = false;
    private volatile boolean muted = true;
    private volatile String microphoneLabel;
    private volatile String microphoneProblem;
    // speaker: speaker thread only, except the volatile fields
    private MediaDevice<AudioPlayback> speakerDevice;
    private final SpeakerOutput output = new SpeakerOutput();
    private volatile String speakerLabel;
    private volatile String speakerProblem;

    // camera: video clock thread only, except the volatile fields
    private MediaDevice<VideoCapture> cameraDevice;
    private VideoCapture camera;
    private ScheduledFuture<?> grabbing;
    private long lastGrabNanos;
    private long failingSinceNanos;
    private volatile boolean cameraOn;
    private volatile String cameraLabel;
    private volatile String cameraProblem;
    private volatile BufferedImage preview;
    private final AtomicLong framesCaptured = new AtomicLong();

    LocalMedia(int fps, boolean keepPreview, Events events, ClientThreads threads) {
        this.events = events;
        this.keepPreview = keepPreview;
        this.fps = fps;
        this.framePeriodNanos = 1_000_000_000L / fps;
        this.audioClock = Executors.newSingleThreadScheduledExecutor(threads.named("mic"));
        this.videoClock = Executors.newSingleThreadScheduledExecutor(threads.named("camera"));
        this.speakerThread = Executors.newSingleThreadScheduledExecutor(threads.named("speaker"));
        audioClock.scheduleAtFixedRate(guarded("microphone", this::audioTick),
                AudioFormat.FRAME_MILLIS, AudioFormat.FRAME_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** From now on, what is captured is sent through {@code session} (null: sent nowhere). */
    void attach(MediaSession session) {
        target = session;
    }

    void detach() {
        target = null;
    }

    /** The sink to add to every media session: plays through the current speaker, if any. */
    AudioSink output() {
        return output;
    }

    // ---- microphone ----

    void useMicrophone(MediaDevice<AudioCapture> device) {
        run(audioClock, () -> {
            closeMicrophone();
            microphoneDevice = device;
            microphoneLabel = device == null ? null : device.label();
            microphoneProblem = null;
            applyMute();
        });
    }

    void setMuted(boolean mute) {
        wantMuted = mute;
        run(audioClock, this::applyMute);
    }

    private void applyMute() {
        if (wantMuted) {
            muted = true;
        } else if (microphone != null || openMicrophone()) {
            muted = false;
        } else {
            muted = true; // cannot unmute without a microphone; the problem says why
        }
        events.onChange();
    }

    private boolean openMicrophone() {
        MediaDevice<AudioCapture> device = microphoneDevice;
        if (device == null) {
            microphoneProblem("No microphone is chosen: choose one in Settings.");
            return false;
        }
        try {
            microphone = device.open();
            microphoneProblem = null;
            log.info("microphone open: {}", device.label());
            return true;
        } catch (DeviceUnavailableException e) {
            microphoneProblem(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            microphoneProblem("The microphone " + device.label() + " could not be opened (" + e + ").");
        }
        return false;
    }

    private void microphoneProblem(String message) {
        microphoneProblem = message;
        log.warn("microphone: {}", message);
        events.onDeviceProblem(DeviceKind.MICROPHONE, message);
    }

    private void closeMicrophone() {
        if (microphone != null) {
            microphone.close();
            microphone = null;
        }
        voice.reset();
    }

    /** Every 20 ms: read a frame (also while muted, so unmuting sends current sound, not stale); send it unless muted. */
    private void audioTick() {
        AudioCapture mic = microphone;
        if (mic == null) {
            return;
        }
        try {
            mic.read(samples);
        } catch (RuntimeException e) {
            closeMicrophone();
            muted = true;
            microphoneProblem("The microphone stopped working (" + e.getMessage() + ").");
            events.onChange();
            return;
        }
        voice.update(AudioPlayout.rms(samples), System.nanoTime());
        MediaSession session = target;
        if (!muted && session != null) {
            session.sendAudioFrame(samples);
        }
    }

    // ---- speaker ----

    void useSpeaker(MediaDevice<AudioPlayback> device) {
        run(speakerThread, () -> {
            AudioPlayback old = output.swap(null);
            if (old != null) {
                old.close();
            }
            speakerDevice = device;
            speakerLabel = device == null ? null : device.label();
            speakerProblem = null;
            if (device != null) {
                try {
                    output.swap(device.open());
                    log.info("speaker open: {}", device.label());
                } catch (DeviceUnavailableException e) {
                    speakerProblem(e.getMessage());
                } catch (RuntimeException | LinkageError e) {
                    speakerProblem("The speaker " + device.label() + " could not be opened (" + e + ").");
                }
            }
            events.onChange();
        });
    }

    private void speakerProblem(String message) {
        speakerProblem = message;
        log.warn("speaker: {}", message);
        events.onDeviceProblem(DeviceKind.SPEAKER, message);
    }

    // ---- camera ----

    void useCamera(MediaDevice<VideoCapture> device) {
        run(videoClock, () -> {
            boolean wasOn = cameraOn;
            stopCamera();
            cameraDevice = device;
            cameraLabel = device == null ? null : device.label();
            cameraProblem = null;
            if (wasOn) {
                startCamera();
            }
            events.onChange();
        });
    }

    void setCameraOn(boolean on) {
        run(videoClock, () -> {
            if (on) {
                startCamera();
            } else {
                stopCamera();
            }
            events.onChange();
        });
    }

    private void startCamera() {
        if (camera != null) {
            return;
        }
        MediaDevice<VideoCapture> device = cameraDevice;
        if (device == null) {
            cameraProblem("No camera is chosen: choose one in Settings.");
            return;
        }
        try {
            camera = device.open();
        } catch (DeviceUnavailableException e) {
            cameraProblem(e.getMessage());
            return;
        } catch (RuntimeException | LinkageError e) {
            cameraProblem("The camera " + device.label() + " could not be opened (" + e + ").");
            return;
        }
        log.info("camera on: {}", device.label());
        cameraProblem = null;
        cameraOn = true;
        failingSinceNanos = 0;
        lastGrabNanos = System.nanoTime() - framePeriodNanos;
        grabbing = videoClock.scheduleAtFixedRate(guarded("camera", this::videoTick),
                0, framePeriodNanos, TimeUnit.NANOSECONDS);
    }

    private void stopCamera() {
        if (grabbing != null) {
            grabbing.cancel(false);
            grabbing = null;
        }
        if (camera != null) {
            camera.close();
            camera = null;
            log.info("camera off");
        }
        cameraOn = false;
        preview = null;
    }

    private void cameraProblem(String message) {
        cameraProblem = message;
        cameraOn = false;
        log.warn("camera: {}", message);
        events.onDeviceProblem(DeviceKind.CAMERA, message);
    }

    private void videoTick() {
        VideoCapture cam = camera;
        long now = System.nanoTime();
        if (cam == null || now - lastGrabNanos < framePeriodNanos / 2) {
            return; // a catch-up run of the fixed-rate clock after a slow grab: skip rather than burst
        }
        lastGrabNanos = now;
        BufferedImage image;
        String failure = null;
        try {
            image = cam.grab();
        } catch (IOException | RuntimeException e) {
            image = null;
            failure = e.getMessage();
        }
        if (image == null) {
            if (failingSinceNanos == 0) {
                failingSinceNanos = now;
            } else if (now - failingSinceNanos > CAMERA_GIVE_UP_NANOS) {
                String label = cameraLabel;
                stopCamera();
                cameraProblem("The camera " + label + " stopped sending pictures"
                        + (failure == null ? "." : " (" + failure + ")."));
                events.onChange();
            }
            return;
        }
        failingSinceNanos = 0;
        MediaSession session = target;
        if (session != null) {
            session.sendVideoFrame(image, fps);
        }
        if (keepPreview) {
            preview = scaledCopy(image, Math.min(PREVIEW_WIDTH, image.getWidth()));
        }
        framesCaptured.incrementAndGet();
    }

    /** A new image, so the one handed out is never changed by the next grab. */
    static BufferedImage scaledCopy(BufferedImage image, int width) {
        int height = Math.max(1, Math.round((float) image.getHeight() * width / image.getWidth()));
        BufferedImage copy = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = copy.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return copy;
    }

    // ---- observation ----

    DeviceState microphone() {
        return new DeviceState(microphoneLabel, !muted, microphoneProblem);
    }

    DeviceState camera() {
        return new DeviceState(cameraLabel, cameraOn, cameraProblem);
    }

    DeviceState speaker() {
        return new DeviceState(speakerLabel, output.playing(), speakerProblem);
    }

    boolean muted() {
        return muted;
    }

    boolean cameraOn() {
        return cameraOn;
    }

    /** The newest self view (a small copy), or null while the camera is off (or no self view is kept). */
    BufferedImage preview() {
        return preview;
    }

    long framesCaptured() {
        return framesCaptured.get();
    }

    /** Level of the microphone, also while muted (0 when it is closed). */
    double microphoneLevel() {
        return microphone == null ? 0 : voice.level();
    }

    boolean speaking(long nowNanos) {
        return !muted && voice.speaking(nowNanos);
    }

    /** Closes the devices (each on its own clock) and stops both clocks. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        run(audioClock, () -> {
            closeMicrophone();
            muted = true;
        });
        run(speakerThread, () -> {
            AudioPlayback speaker = output.swap(null);
            if (speaker != null) {
                speaker.close();
            }
        });
        run(videoClock, this::stopCamera);
        closed = true;
        target = null;
        List<ScheduledExecutorService> all = List.of(audioClock, videoClock, speakerThread);
        all.forEach(ScheduledExecutorService::shutdown);
        try {
            for (ScheduledExecutorService e : all) {
                e.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        all.forEach(ScheduledExecutorService::shutdownNow);
    }

    private void run(ScheduledExecutorService clock, Runnable task) {
        if (closed) {
            return;
        }
        try {
            clock.execute(guarded("device change", task));
        } catch (RejectedExecutionException e) {
            // closing: nothing more to change
        }
    }

    /** A task that survives its own failures (an exception would silently cancel a periodic one). */
    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("{} failed", what, e);
            }
        };
    }
}
