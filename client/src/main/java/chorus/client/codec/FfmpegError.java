package chorus.client.codec;

import org.bytedeco.ffmpeg.global.avutil;

/** FFmpeg's error codes as messages. */
final class FfmpegError {
    private FfmpegError() {
    }

    static String describe(int code) {
        byte[] text = new byte[128];
        avutil.av_strerror(code, text, text.length);
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, java.nio.charset.StandardCharsets.US_ASCII) + " (" + code + ")";
    }

    static int check(int code, String what) {
        if (code < 0) {
            throw new IllegalStateException(what + " failed: " + describe(code));
        }
        return code;
    }
}
