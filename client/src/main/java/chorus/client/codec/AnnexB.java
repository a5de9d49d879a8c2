package chorus.client.codec;

/** Reading an H.264 Annex B byte stream: NAL units after 3- or 4-byte start codes. */
public final class AnnexB {
    private AnnexB() {
    }

    /** True when the access unit in {@code b[off, off + len)} holds a NAL unit of {@code type}. */
    public static boolean contains(byte[] b, int off, int len, int type) {
        int end = off + len;
        for (int i = off; i + 3 < end; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                if ((b[i + 3] & 0x1F) == type) {
                    return true;
                }
                i += 2;
            }
        }
        return false;
    }

    /** True when the access unit starts an independent picture: an IDR with SPS and PPS. */
    public static boolean isKeyframe(byte[] b, int off, int len) {
        return contains(b, off, len, H264Encoder.NAL_IDR) && contains(b, off, len, H264Encoder.NAL_SPS)
                && contains(b, off, len, H264Encoder.NAL_PPS);
    }
}
