package chorus.protocol.media;

/** Payload codec ids. The relay never looks inside a payload; only endpoints decode. */
public final class Codec {
    public static final int NONE = 0;
    /** Baseline JPEG, one complete image per frame. */
    public static final int JPEG = 1;
    /** 48 kHz mono signed 16-bit little-endian PCM, 960 samples per frame. */
    public static final int PCM16 = 2;
    /** Reserved for a later issue. */
    public static final int H264 = 3;
    /** Reserved for a later issue. */
    public static final int OPUS = 4;

    private Codec() {
    }
}
