package chorus.client.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The cameras of this computer. On Linux, every Video4Linux capture node ({@code /dev/videoN}, named
 * from {@code /sys/class/video4linux}); on macOS, the system's default camera through AVFoundation.
 * Each is opened through JavaCV's FFmpeg grabber ({@link FfmpegCamera}).
 */
public final class Cameras {
    /** Id prefix of a Video4Linux device: {@code v4l2:/dev/video0}. */
    public static final String V4L2 = "v4l2:";
    /** Id prefix of an FFmpeg lavfi graph, a synthetic camera through the real grabber: {@code lavfi:testsrc2}. */
    public static final String LAVFI = "lavfi:";
    static final Path DEV = Path.of("/dev");
    static final Path SYS = Path.of("/sys/class/video4linux");

    private Cameras() {
    }

    /** The cameras found now, in device order; empty when there is none. Cheap: no device is opened. */
    public static List<MediaDevice<VideoCapture>> list() {
        String os = System.getProperty("os.name", "").toLowerCase();
        if (os.contains("linux")) {
            return linux(DEV, SYS);
        }
        if (os.contains("mac")) {
            return List.of(new FfmpegCamera.Device("avfoundation:default", "Camera", "avfoundation", "default"));
        }
        return List.of();
    }

    static List<MediaDevice<VideoCapture>> linux(Path dev, Path sys) {
        List<Path> nodes = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dev, "video*")) {
            entries.forEach(nodes::add);
        } catch (IOException e) {
            return List.of();
        }
        nodes.sort(Comparator.comparingInt(Cameras::number));
        List<MediaDevice<VideoCapture>> cameras = new ArrayList<>();
        for (Path node : nodes) {
            String name = node.getFileName().toString();
            // UVC cameras expose a second node for metadata (index 1); only index 0 captures pictures.
            String index = read(sys.resolve(name).resolve("index"));
            if (index != null && !index.equals("0")) {
                continue;
            }
            String product = read(sys.resolve(name).resolve("name"));
            String label = (product == null || product.isEmpty() ? "Camera" : product) + " (" + node + ")";
            cameras.add(new FfmpegCamera.Device(V4L2 + node, label, "v4l2", node.toString()));
        }
        return cameras;
    }

    private static int number(Path node) {
        String digits = node.getFileName().toString().replaceAll("\\D", "");
        try {
            return digits.isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The camera remembered as {@code id}: a listed one, a device path given explicitly (tried even
     * if not listed, so its own error is shown), or a lavfi graph.
     */
    public static MediaDevice<VideoCapture> byId(String id) {
        for (MediaDevice<VideoCapture> camera : list()) {
            if (camera.id().equals(id)) {
                return camera;
            }
        }
        if (id.startsWith(V4L2)) {
            String path = id.substring(V4L2.length());
            return new FfmpegCamera.Device(id, "Camera (" + path + ")", "v4l2", path);
        }
        if (id.startsWith(LAVFI)) {
            return new FfmpegCamera.Device(id, "FFmpeg " + id.substring(LAVFI.length()), "lavfi", id.substring(LAVFI.length()));
        }
        return missing();
    }

    /** The first camera, or a stand-in that explains there is none when opened. */
    public static MediaDevice<VideoCapture> preferred() {
        List<MediaDevice<VideoCapture>> cameras = list();
        return cameras.isEmpty() ? missing() : cameras.get(0);
    }

    /** What is chosen when there is no camera: opening it says so. */
    public static MediaDevice<VideoCapture> missing() {
        return new MediaDevice<>() {
            @Override
            public String id() {
                return "none";
            }

            @Override
            public String label() {
                return "No camera";
            }

            @Override
            public VideoCapture open() throws DeviceUnavailableException {
                throw new DeviceUnavailableException("No camera found: this computer has no video capture device"
                        + (System.getProperty("os.name", "").toLowerCase().contains("linux") ? " (no /dev/video*)" : "")
                        + ". Choose the test pattern in Settings to send a picture anyway.");
            }
        };
    }
}
