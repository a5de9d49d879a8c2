package chorus.protocol.media;

import java.util.List;

/**
 * Payload codec ids (the header's codec byte) and their names in the control channel's codec
 * negotiation ({@code hello.codecs}, {@code welcome.audioCodec}). The relay does not look inside
 * video payloads beyond the keyframe flag; it decodes audio to mix it.
 */
public final class Codec {
    public static final int NONE = 0;
    /** Baseline JPEG, one complete image per frame. */
    public static final int JPEG = 1;
    /** 48 kHz mono signed 16-bit little-endian PCM, 960 samples per frame. */
    public static final int PCM16 = 2;
    /**
     * H.264 constrained baseline, one access unit per frame in Annex B byte-stream form (start
     * codes); keyframes (IDR, with SPS and PPS in front) carry the keyframe flag.
     */
    public static final int H264 = 3;
    /** One Opus packet (RFC 6716) of 20 ms, 48 kHz mono, per frame. */
    public static final int OPUS = 4;

    public static final String JPEG_NAME = "jpeg";
    public static final String PCM16_NAME = "pcm";
    public static final String H264_NAME = "h264";
    public static final String OPUS_NAME = "opus";

    /** What a client that sends no {@code codecs} in its hello (protocol 1 as first shipped) decodes. */
    public static final List<String> LEGACY_AUDIO = List.of(PCM16_NAME);
    public static final List<String> LEGACY_VIDEO = List.of(JPEG_NAME);

    private Codec() {
    }

    /** The id for a negotiation name, or {@link #NONE} when the name is not a codec of this protocol. */
    public static int forName(String name) {
        if (name == null) {
            return NONE;
        }
        return switch (name) {
            case JPEG_NAME -> JPEG;
            case PCM16_NAME -> PCM16;
            case H264_NAME -> H264;
            case OPUS_NAME -> OPUS;
            default -> NONE;
        };
    }

    /** The negotiation name of a codec id, or null for {@link #NONE} and unknown ids. */
    public static String name(int codec) {
        return switch (codec) {
            case JPEG -> JPEG_NAME;
            case PCM16 -> PCM16_NAME;
            case H264 -> H264_NAME;
            case OPUS -> OPUS_NAME;
            default -> null;
        };
    }

    public static boolean isAudio(int codec) {
        return codec == PCM16 || codec == OPUS;
    }

    public static boolean isVideo(int codec) {
        return codec == JPEG || codec == H264;
    }
}
