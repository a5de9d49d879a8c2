package chorus.bench;

import chorus.client.codec.EncodedFrame;
import chorus.client.codec.VideoDecoder;
import chorus.client.codec.VideoEncoder;
import chorus.client.codec.VideoEncoding;
import chorus.client.device.FfmpegCamera;
import chorus.client.media.TestPattern;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * The uplink one participant's camera video needs at 640x480 30 fps: the test pattern and two
 * high-motion synthetic sources (FFmpeg lavfi {@code testsrc2} with noise, {@code mandelbrot}),
 * each encoded with the client's H.264 encoder at its default bitrate and, beside it, as JPEG.
 * Pictures are made first, so only the encoder is timed; then the frames are decoded, timed too. Figures in docs/BENCHMARKS.md
 * ("H.264 uplink"). Run: {@code java -cp "bench/target/bench-VERSION.jar:bench/target/lib/*"
 * chorus.bench.H264Uplink [seconds] [kbit/s]}.
 */
public final class H264Uplink {
    private static final int FPS = 30;

    private H264Uplink() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int kbps = args.length > 1 ? Integer.parseInt(args[1]) : VideoEncoding.DEFAULT_BITRATE / 1000;
        int frames = seconds * FPS;
        VideoEncoding h264 = VideoEncoding.H264.withBitrate(kbps * 1000);
        System.out.printf(Locale.ROOT, "640x480 at %d fps for %d s, H.264 target %d kbit/s, keyframe every %d s%n",
                FPS, seconds, kbps, h264.keyframeInterval().toSeconds());
        System.out.printf(Locale.ROOT, "%-22s %-5s %9s %9s %9s %9s %8s %10s %10s%n", "source", "codec", "kbit/s",
                "keyframes", "key avg", "P avg", "max", "encode ms", "decode ms");
        TestPattern pattern = new TestPattern("Chorus", FPS);
        measure("test pattern", pictures(frames, pattern::render), h264);
        measure("testsrc2 + noise", lavfi("testsrc2=size=640x480:rate=30,noise=alls=24:allf=t+u", frames), h264);
        measure("mandelbrot", lavfi("mandelbrot=size=640x480:rate=30", frames), h264);
    }

    private static void measure(String source, List<BufferedImage> pictures, VideoEncoding h264) {
        for (VideoEncoding encoding : new VideoEncoding[] {h264, VideoEncoding.JPEG}) {
            long bytes = 0;
            long keyBytes = 0;
            int keyframes = 0;
            int max = 0;
            long nanos = 0;
            List<byte[]> encoded = new ArrayList<>();
            List<Boolean> key = new ArrayList<>();
            try (VideoEncoder encoder = encoding.newEncoder(FPS)) {
                for (BufferedImage picture : pictures) {
                    long start = System.nanoTime();
                    EncodedFrame frame = encoder.encode(picture, false);
                    nanos += System.nanoTime() - start;
                    int size = frame == null ? 0 : frame.data().remaining();
                    if (frame != null) {
                        byte[] copy = new byte[size];
                        frame.data().duplicate().get(copy);
                        encoded.add(copy);
                        key.add(frame.keyframe());
                    }
                    bytes += size;
                    max = Math.max(max, size);
                    if (frame != null && frame.keyframe()) {
                        keyframes++;
                        keyBytes += size;
                    }
                }
            }
            long decodeNanos = 0;
            int undecoded = 0;
            try (VideoDecoder decoder = VideoEncoding.newDecoder(encoding.codec())) {
                for (int i = 0; i < encoded.size(); i++) {
                    byte[] frame = encoded.get(i);
                    long start = System.nanoTime();
                    if (decoder.decode(frame, 0, frame.length, key.get(i)) == null) {
                        undecoded++;
                    }
                    decodeNanos += System.nanoTime() - start;
                }
            }
            int n = pictures.size();
            boolean allKey = keyframes == n;
            System.out.printf(Locale.ROOT, "%-22s %-5s %9.0f %9d %8.1fk %8.1fk %7.1fk %10.2f %10.2f%s%n", source,
                    encoding.codecName(), bytes * 8.0 * FPS / n / 1000, keyframes, keyBytes / 1000.0 / keyframes,
                    allKey ? 0 : (bytes - keyBytes) / 1000.0 / (n - keyframes), max / 1000.0, nanos / 1e6 / n,
                    decodeNanos / 1e6 / Math.max(1, encoded.size()),
                    undecoded == 0 ? "" : "  (" + undecoded + " did not decode)");
        }
    }

    private static List<BufferedImage> pictures(int frames, LongFunction<BufferedImage> render) {
        List<BufferedImage> out = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            out.add(copy(render.apply(i)));
        }
        return out;
    }

    private static List<BufferedImage> lavfi(String graph, int frames) throws IOException {
        List<BufferedImage> out = new ArrayList<>();
        FfmpegCamera camera;
        try {
            camera = FfmpegCamera.open("lavfi", graph, graph, FPS);
        } catch (Exception e) {
            throw new IOException("cannot open lavfi " + graph + ": " + e.getMessage(), e);
        }
        try {
            while (out.size() < frames) {
                BufferedImage picture = camera.grab();
                if (picture != null) {
                    out.add(copy(picture));
                }
            }
        } finally {
            camera.close();
        }
        return out;
    }

    private static BufferedImage copy(BufferedImage image) {
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        copy.getGraphics().drawImage(image, 0, 0, null);
        return copy;
    }
}
