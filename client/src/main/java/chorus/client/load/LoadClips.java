package chorus.client.load;

import chorus.protocol.media.Codec;

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
    static MediaClip video(String codec, int fps, Integer frameBytes) {
        return switch (codec) {
            case Codec.JPEG_NAME -> {
                int bytes = frameBytes != null ? frameBytes : LoadSpec.testPatternFrameBytes();
                LoadSpec.checkFrameBytes(bytes);
                yield MediaClip.syntheticVideo(bytes);
            }
            default -> throw new IllegalArgumentException("--video-codec must be jpeg, was '" + codec + "'");
        };
    }

    /** @throws IllegalArgumentException for an unknown codec, with a usage message */
    static LoadSpec.AudioLoad audio(String codec, int talkersPerRoom) {
        if (talkersPerRoom < 0) {
            throw new IllegalArgumentException("--talkers must not be negative, was " + talkersPerRoom);
        }
        return switch (codec) {
            case Codec.PCM16_NAME -> new LoadSpec.AudioLoad(MediaClip.pcm(TALKER_HZ), MediaClip.pcm(0), talkersPerRoom);
            default -> throw new IllegalArgumentException("--audio-codec must be pcm, was '" + codec + "'");
        };
    }
}
