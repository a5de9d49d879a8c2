package chorus.client.codec;

import java.io.ByteArrayOutputStream;

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

    /** The SPS and PPS NAL units of an access unit, each with a 4-byte start code. */
    static byte[] parameterSets(byte[] b, int off, int len) {
        ByteArrayOutputStream sets = new ByteArrayOutputStream();
        int end = off + len;
        int start = -1;
        for (int i = off; i <= end; i++) {
            boolean boundary = i + 2 < end && b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1;
            if (boundary || i == end) {
                if (start >= 0) {
                    int stop = i;
                    while (i < end && stop > start && b[stop - 1] == 0) {
                        stop--; // the leading zero of the next 4-byte start code
                    }
                    int type = b[start] & 0x1F;
                    if (type == H264Encoder.NAL_SPS || type == H264Encoder.NAL_PPS) {
                        sets.write(new byte[] {0, 0, 0, 1}, 0, 4);
                        sets.write(b, start, stop - start);
                    }
                }
                if (boundary) {
                    start = i + 3;
                    i += 2;
                }
            }
        }
        return sets.toByteArray();
    }
}
