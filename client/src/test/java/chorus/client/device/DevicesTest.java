package chorus.client.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chorus.protocol.audio.AudioFormat;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding and opening cameras, microphones and speakers; missing ones say so in words. */
class DevicesTest {
    @TempDir
    Path dir;

    @Test
    void camerasAreTheVideo4LinuxCaptureNodesNamedFromSysfs() throws Exception {
        Path dev = Files.createDirectories(dir.resolve("dev"));
        Path sys = Files.createDirectories(dir.resolve("sys"));
        for (String node : List.of("video0", "video1", "video10", "video2")) {
            Files.createFile(dev.resolve(node));
        }
        Files.createFile(dev.resolve("null"));
        Files.createDirectories(sys.resolve("video0"));
        Files.writeString(sys.resolve("video0/name"), "Integrated Webcam\n");
        Files.writeString(sys.resolve("video0/index"), "0\n");
        Files.createDirectories(sys.resolve("video1"));
        Files.writeString(sys.resolve("video1/name"), "Integrated Webcam\n");
        Files.writeString(sys.resolve("video1/index"), "1\n"); // the same camera's metadata node

        List<MediaDevice<VideoCapture>> cameras = Cameras.linux(dev, sys);
        assertEquals(List.of("v4l2:" + dev.resolve("video0"), "v4l2:" + dev.resolve("video2"), "v4l2:" + dev.resolve("video10")),
                cameras.stream().map(MediaDevice::id).toList());
        assertEquals("Integrated Webcam (" + dev.resolve("video0") + ")", cameras.get(0).label());
        assertEquals("Camera (" + dev.resolve("video2") + ")", cameras.get(1).label());
    }

    @Test
    void aCameraThatIsNotThereSaysSo() {
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
                () -> Cameras.byId("v4l2:/dev/chorus-test-no-camera").open());
        assertEquals("No camera at /dev/chorus-test-no-camera: the device is not there (unplugged?).", e.getMessage());
        e = assertThrows(DeviceUnavailableException.class, () -> Cameras.missing().open());
        assertTrue(e.getMessage().startsWith("No camera found"), e.getMessage());
        assertTrue(e.getMessage().contains("test pattern"), "says what to do instead: " + e.getMessage());
    }

    @Test
    void withoutACameraThePreferredOneExplainsThatThereIsNone() {
        assumeTrue(Cameras.list().isEmpty(), "this machine has a camera");
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class, () -> Cameras.preferred().open());
        assertTrue(e.getMessage().startsWith("No camera found"), e.getMessage());
    }

    @Test
    void ffmpegErrorsAreTranslated() {
        assertEquals("The camera Webcam is busy: another application is using it.",
                FfmpegCamera.explain("Webcam", "avformat_open_input() error -16: Could not open input"));
        assertTrue(FfmpegCamera.explain("Webcam", "avformat_open_input() error -13: x").contains("permission"));
        assertTrue(FfmpegCamera.explain("Webcam", "something else").contains("something else"));
    }

    @Test
    void javaCvGrabsMovingPicturesThroughFfmpeg() throws Exception {
        // FFmpeg's own synthetic camera, read through the same grabber and converter as a real one.
        try (VideoCapture camera = Cameras.byId(Cameras.LAVFI + "testsrc2=size=320x240:rate=15").open()) {
            BufferedImage first = copy(camera.grab());
            BufferedImage later = null;
            for (int i = 0; i < 15; i++) {
                later = camera.grab();
            }
            assertEquals(320, first.getWidth());
            assertEquals(240, first.getHeight());
            int differ = 0;
            for (int y = 0; y < 240; y += 4) {
                for (int x = 0; x < 320; x += 4) {
                    differ += first.getRGB(x, y) != later.getRGB(x, y) ? 1 : 0;
                }
            }
            assertTrue(differ > 50, "the picture moves: " + differ + " samples differ");
        }
    }

    private static BufferedImage copy(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        out.getGraphics().drawImage(image, 0, 0, null);
        return out;
    }

    @Test
    void aMicrophoneOrSpeakerThatIsNotConnectedSaysSo() {
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
                () -> Microphones.byId("mixer:Nowhere USB").open());
        assertEquals("The microphone Nowhere USB is not connected.", e.getMessage());
        e = assertThrows(DeviceUnavailableException.class, () -> Speakers.byId("mixer:Nowhere USB").open());
        assertTrue(e.getMessage().startsWith("The speaker Nowhere USB is not connected"), e.getMessage());
        assertEquals(null, Speakers.byId(Speakers.NONE_ID), "choosing no speaker plays nothing");
    }

    @Test
    void withoutASoundCardTheDefaultsExplainWhatIsMissing() {
        assumeTrue(Microphones.list().isEmpty() && Speakers.list().isEmpty(), "this machine has sound devices");
        DeviceUnavailableException mic = assertThrows(DeviceUnavailableException.class,
                () -> Microphones.systemDefault().open());
        assertTrue(mic.getMessage().startsWith("No microphone found"), mic.getMessage());
        assertTrue(mic.getMessage().contains("test tone"), mic.getMessage());
        DeviceUnavailableException speaker = assertThrows(DeviceUnavailableException.class,
                () -> Speakers.systemDefault().open());
        assertTrue(speaker.getMessage().contains("you will not hear the call"), speaker.getMessage());
    }

    @Test
    void theTestSourcesAreThePatternAndATone() throws Exception {
        try (VideoCapture pattern = TestSources.pattern("Ada", 15).open();
             AudioCapture tone = TestSources.tone().open()) {
            BufferedImage first = copy(pattern.grab());
            BufferedImage second = pattern.grab();
            int differ = 0;
            for (int y = 0; y < first.getHeight(); y += 2) {
                for (int x = 0; x < first.getWidth(); x += 2) {
                    differ += first.getRGB(x, y) != second.getRGB(x, y) ? 1 : 0;
                }
            }
            assertTrue(differ > 50, "consecutive frames differ: " + differ);
            short[] frame = new short[AudioFormat.FRAME_SAMPLES];
            tone.read(frame);
            int loud = 0;
            for (short s : frame) {
                loud += Math.abs(s) > 1000 ? 1 : 0;
            }
            assertTrue(loud > 100, "the tone is audible");
        }
    }
}
