package chorus.client.codec;

import chorus.protocol.media.Codec;
import java.time.Duration;
import java.util.List;

/**
 * How one stream is encoded: the codec, the bitrate an H.264 encoder holds to, and the longest
 * wait between its keyframes (a keyframe request or a new size starts one sooner). JPEG ignores
 * both: every JPEG frame stands alone at a fixed quality.
 *
 * @param codec            {@link Codec#H264} or {@link Codec#JPEG}
 * @param bitrate          target in bit/s (H.264)
 * @param keyframeInterval time between periodic keyframes (H.264)
 * @param jpegQuality      0..1 (JPEG)
 * @param simulcast        the camera's layers ({@link Simulcast#SINGLE}: one, the camera as it is, at
 *                         {@code bitrate}); a layer's own bitrate replaces {@code bitrate}
 */
public record VideoEncoding(int codec, int bitrate, Duration keyframeInterval, float jpegQuality,
                            Simulcast simulcast) {
    /** About 800 kbit/s at 640x480 30 fps, so a participant's video stays under 1 Mbit/s. */
    public static final int DEFAULT_BITRATE = 800_000;
    public static final Duration DEFAULT_KEYFRAME_INTERVAL = Duration.ofSeconds(4);
    public static final VideoEncoding H264 = new VideoEncoding(Codec.H264, DEFAULT_BITRATE,
            DEFAULT_KEYFRAME_INTERVAL, 0.7f, Simulcast.SINGLE);
    public static final VideoEncoding JPEG = new VideoEncoding(Codec.JPEG, DEFAULT_BITRATE,
            DEFAULT_KEYFRAME_INTERVAL, 0.7f, Simulcast.SINGLE);
    /** The video codecs this client decodes, most preferred first (its hello's {@code codecs.video}). */
    public static final List<String> DECODES = List.of(Codec.H264_NAME, Codec.JPEG_NAME);

    public VideoEncoding {
        simulcast = simulcast == null ? Simulcast.SINGLE : simulcast;
        if (codec != Codec.H264 && codec != Codec.JPEG) {
            throw new IllegalArgumentException("video codec " + codec + " is neither h264 nor jpeg");
        }
        if (bitrate < 50_000 || bitrate > 20_000_000) {
            throw new IllegalArgumentException("video bitrate " + bitrate + " is outside 50 kbit/s..20 Mbit/s");
        }
        if (keyframeInterval == null || keyframeInterval.toMillis() < 100) {
            throw new IllegalArgumentException("keyframe interval must be at least 100 ms");
        }
        if (!(jpegQuality > 0 && jpegQuality <= 1)) {
            throw new IllegalArgumentException("JPEG quality " + jpegQuality + " is outside (0, 1]");
        }
    }

    /** The encoding for a codec name ({@code h264} or {@code jpeg}) with the default bitrate and keyframe interval. */
    public static VideoEncoding forName(String name) {
        int codec = Codec.forName(name);
        if (codec == Codec.H264) {
            return H264;
        }
        if (codec == Codec.JPEG) {
            return JPEG;
        }
        throw new IllegalArgumentException("unknown video codec '" + name + "' (h264 or jpeg)");
    }

    public String codecName() {
        return Codec.name(codec);
    }

    public VideoEncoding withBitrate(int bitrate) {
        return new VideoEncoding(codec, bitrate, keyframeInterval, jpegQuality, simulcast);
    }

    public VideoEncoding withKeyframeInterval(Duration interval) {
        return new VideoEncoding(codec, bitrate, interval, jpegQuality, simulcast);
    }

    public VideoEncoding withJpegQuality(float quality) {
        return new VideoEncoding(codec, bitrate, keyframeInterval, quality, simulcast);
    }

    /** The camera sent in {@code layers} ({@link Simulcast#SINGLE}: one layer, as it is). */
    public VideoEncoding withSimulcast(Simulcast layers) {
        return new VideoEncoding(codec, bitrate, keyframeInterval, jpegQuality, layers);
    }

    /** A new encoder for a stream of {@code fps} frames a second. */
    public VideoEncoder newEncoder(int fps) {
        return newEncoder(fps, bitrate);
    }

    /** A new encoder for a stream of {@code fps} frames a second at {@code bitsPerSecond} (a simulcast layer's). */
    public VideoEncoder newEncoder(int fps, int bitsPerSecond) {
        if (codec == Codec.H264) {
            return new H264Encoder(bitsPerSecond, fps, Math.max(1, (int) (keyframeInterval.toMillis() * fps / 1000)));
        }
        return new JpegVideoEncoder(jpegQuality);
    }

    /** A new decoder for one sender stream of {@code codec}, or null for a codec this client does not decode. */
    public static VideoDecoder newDecoder(int codec) {
        if (codec == Codec.H264) {
            return new H264Decoder();
        }
        if (codec == Codec.JPEG) {
            return new JpegVideoDecoder();
        }
        return null;
    }
}
