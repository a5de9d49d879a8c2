package chorus.client.load;

import chorus.client.codec.EncodedFrame;
import chorus.client.codec.H264Encoder;
import chorus.client.codec.Simulcast;
import chorus.client.codec.VideoEncoding;
import chorus.client.media.TestPattern;
import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Makes the clips a run loops, once before it starts: video from the real encoder over the
 * 640x480 test pattern (or synthetic JPEG-sized frames), audio from the real encoder over a tone
 * for talkers and over silence for the others.
 */
final class LoadClips {
    /** Talkers' tone: a fixed frequency the mixer's output can be checked for. */
    static final double TALKER_HZ = 440;

    private LoadClips() {
    }

    /**
     * @param frameBytes synthetic frame size for "jpeg"; null for the size of one test-pattern JPEG
     * @throws IllegalArgumentException for an unknown codec or a bad size, with a usage message
     */
    static MediaClip video(String codec, int fps, Integer frameBytes, int bitrate) {
        return switch (codec) {
            case Codec.H264_NAME -> {
                if (bitrate < 50_000 || bitrate > 20_000_000) {
                    throw new IllegalArgumentException("--video-bitrate must be 50..20000 kbit/s, was " + bitrate / 1000);
                }
                yield h264(fps, bitrate, VideoEncoding.DEFAULT_KEYFRAME_INTERVAL.toMillis());
            }
            case Codec.JPEG_NAME -> {
                int bytes = frameBytes != null ? frameBytes : LoadSpec.testPatternFrameBytes();
                LoadSpec.checkFrameBytes(bytes);
                yield MediaClip.syntheticVideo(bytes);
            }
            default -> throw new IllegalArgumentException("--video-codec must be h264 or jpeg, was '" + codec + "'");
        };
    }

    /**
     * The client's simulcast ladder ({@link Simulcast#of}, a 720-line camera): {@code layers} layers
     * of the test pattern scaled to each height at 16:9, each encoded once at its rung's bitrate
     * and frame rate (at most {@code fps}), one keyframe interval long.
     *
     * @throws IllegalArgumentException for a layer count outside 2..3, with a usage message
     */
    static List<LoadSpec.VideoLayer> simulcast(int layers, int fps) {
        if (layers < 2 || layers > MediaHeader.MAX_LAYERS) {
            throw new IllegalArgumentException("simulcast is 2.." + MediaHeader.MAX_LAYERS + " layers, not " + layers);
        }
        List<LoadSpec.VideoLayer> out = new ArrayList<>();
        for (Simulcast.Layer rung : Simulcast.of(layers, Simulcast.DEFAULT_SOURCE_HEIGHT).layers()) {
            int layerFps = Math.min(fps, rung.fps());
            int height = rung.height() & ~1;
            int width = (height * 16 / 9) & ~1;
            out.add(new LoadSpec.VideoLayer(rung.height(), layerFps, h264(layerFps, rung.bitrate(),
                    VideoEncoding.DEFAULT_KEYFRAME_INTERVAL.toMillis(), width, height)));
        }
        return List.copyOf(out);
    }

    /**
     * One keyframe interval of the bots' 640x480 test pattern through the client's H.264 encoder at
     * {@code bitrate}: a keyframe and then predicted frames, as a bot sends them, looped.
     */
    static MediaClip h264(int fps, int bitrate, long keyframeIntervalMillis) {
        return h264(fps, bitrate, keyframeIntervalMillis, TestPattern.WIDTH, TestPattern.HEIGHT);
    }

    /** {@link #h264(int, int, long)} of the pattern drawn at {@code width x height}. */
    static MediaClip h264(int fps, int bitrate, long keyframeIntervalMillis, int width, int height) {
        int gop = (int) Math.max(1, keyframeIntervalMillis * fps / 1000);
        TestPattern pattern = new TestPattern("load", fps);
        List<MediaClip.Frame> frames = new ArrayList<>(gop);
        BufferedImage scaled = width == TestPattern.WIDTH && height == TestPattern.HEIGHT ? null
                : new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        try (H264Encoder encoder = new H264Encoder(bitrate, fps, gop)) {
            for (int i = 0; i < gop; i++) {
                BufferedImage picture = pattern.render(i);
                if (scaled != null) {
                    Graphics2D g = scaled.createGraphics();
                    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                    g.drawImage(picture, 0, 0, width, height, null);
                    g.dispose();
                    picture = scaled;
                }
                EncodedFrame encoded = encoder.encode(picture, i == 0);
                byte[] data = new byte[encoded.data().remaining()];
                encoded.data().get(data);
                frames.add(new MediaClip.Frame(data, encoded.keyframe() ? MediaHeader.FLAG_KEYFRAME : 0, 0));
            }
        }
        return new MediaClip(MediaKind.VIDEO, Codec.H264, String.format(Locale.ROOT,
                "H.264 test pattern %dx%d at %,d kbit/s, keyframe every %,d ms", width, height, bitrate / 1000,
                keyframeIntervalMillis), frames);
    }

    /**
     * Talker k's tone is 6 dB under talker k-1's (down to the last of these), so the audio-level
     * bytes rank the talkers and the relay's dominant speaker is the first of them.
     */
    static final int DISTINCT_TALKER_LEVELS = 4;

    /** @throws IllegalArgumentException for an unknown codec, with a usage message */
    static LoadSpec.AudioLoad audio(String codec, int talkersPerRoom) {
        if (talkersPerRoom < 0) {
            throw new IllegalArgumentException("--talkers must not be negative, was " + talkersPerRoom);
        }
        if (!Codec.OPUS_NAME.equals(codec) && !Codec.PCM16_NAME.equals(codec)) {
            throw new IllegalArgumentException("--audio-codec must be opus or pcm, was '" + codec + "'");
        }
        boolean opus = Codec.OPUS_NAME.equals(codec);
        List<MediaClip> talking = new ArrayList<>();
        for (int k = 0; k < Math.max(1, Math.min(talkersPerRoom, DISTINCT_TALKER_LEVELS)); k++) {
            double amplitude = MediaClip.TONE_AMPLITUDE / (1 << k);
            talking.add(opus ? MediaClip.opus(TALKER_HZ, amplitude) : MediaClip.pcm(TALKER_HZ, amplitude));
        }
        return new LoadSpec.AudioLoad(talking, opus ? MediaClip.opus(0) : MediaClip.pcm(0), talkersPerRoom);
    }
}
