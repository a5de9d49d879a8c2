package chorus.client.codec;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PROFILE_H264_CONSTRAINED_BASELINE;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import chorus.protocol.media.Codec;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * H.264 with OpenH264 ({@code libopenh264} in JavaCV's FFmpeg): constrained baseline, no B-frames,
 * one access unit per picture in Annex B form, rate-controlled to a bitrate; an IDR (OpenH264 puts
 * the SPS and PPS in front of every one) first, on request, when the picture size changes, and every {@code gop} frames. Pictures
 * are converted from BGR to YUV 4:2:0 with swscale; an odd width or height is scaled to the even
 * size 4:2:0 needs. Not thread-safe; {@link #close} frees the native codec, frame and packet.
 */
public final class H264Encoder implements VideoEncoder {
    public static final String ENCODER_NAME = "libopenh264";
    /** NAL unit types (ITU-T H.264 table 7-1) that an IDR access unit holds. */
    static final int NAL_IDR = 5;
    static final int NAL_SPS = 7;
    static final int NAL_PPS = 8;

    private final int bitrate;
    private final int fps;
    private final int gop;
    private AVCodecContext context;
    private AVFrame frame;
    private AVPacket packet;
    private SwsContext scaler;
    private BytePointer bgr;
    private final PointerPointer<BytePointer> sourceData = new PointerPointer<>(1);
    private final IntPointer sourceStride = new IntPointer(1);
    private BufferedImage scratch;
    private int width;
    private int height;
    private long pts;
    private byte[] out = new byte[256 * 1024];
    private boolean closed;

    /**
     * @param bitrate target bit/s
     * @param fps     the stream's frame rate (rate control spreads the bits over it)
     * @param gop     frames from one periodic keyframe to the next
     */
    public H264Encoder(int bitrate, int fps, int gop) {
        if (bitrate <= 0 || fps <= 0 || gop <= 0) {
            throw new IllegalArgumentException("bitrate, fps and gop must be positive");
        }
        this.bitrate = bitrate;
        this.fps = fps;
        this.gop = gop;
    }

    /** True when this FFmpeg build has the OpenH264 encoder. */
    public static boolean available() {
        AVCodec codec = avcodec_find_encoder_by_name(ENCODER_NAME);
        return codec != null && !codec.isNull();
    }

    @Override
    public int codec() {
        return Codec.H264;
    }

    @Override
    public EncodedFrame encode(BufferedImage image, boolean keyframe) {
        if (closed) {
            throw new IllegalStateException("encoder closed");
        }
        if (context == null || image.getWidth() != width || image.getHeight() != height) {
            open(image.getWidth(), image.getHeight());
            keyframe = true;
        }
        byte[] pixels = bgrPixels(image);
        bgr.position(0).put(pixels, 0, width * height * 3).position(0);
        FfmpegError.check(av_frame_make_writable(frame), "av_frame_make_writable");
        sws_scale(scaler, sourceData, sourceStride, 0, height, frame.data(), frame.linesize());
        frame.pts(pts++);
        frame.pict_type(keyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        FfmpegError.check(avcodec_send_frame(context, frame), "avcodec_send_frame");
        int length = 0;
        boolean key = false;
        while (true) {
            int result = avcodec_receive_packet(context, packet);
            if (result == AVERROR_EAGAIN() || result == AVERROR_EOF) {
                break;
            }
            FfmpegError.check(result, "avcodec_receive_packet");
            try {
                int size = packet.size();
                ensureOut(length + size);
                packet.data().position(0).get(out, length, size);
                length += size;
                key |= (packet.flags() & AV_PKT_FLAG_KEY) != 0;
            } finally {
                av_packet_unref(packet);
            }
        }
        if (length == 0) {
            return null;
        }
        return new EncodedFrame(ByteBuffer.wrap(out, 0, length), key);
    }

    private void ensureOut(int size) {
        if (size > out.length) {
            out = java.util.Arrays.copyOf(out, Math.max(size, out.length * 2));
        }
    }

    private void open(int pictureWidth, int pictureHeight) {
        release();
        AVCodec codec = avcodec_find_encoder_by_name(ENCODER_NAME);
        if (codec == null || codec.isNull()) {
            throw new IllegalStateException("this FFmpeg build has no " + ENCODER_NAME + " encoder");
        }
        width = pictureWidth;
        height = pictureHeight;
        int codedWidth = Math.max(2, width & ~1);
        int codedHeight = Math.max(2, height & ~1);
        context = avcodec_alloc_context3(codec);
        context.width(codedWidth);
        context.height(codedHeight);
        context.pix_fmt(AV_PIX_FMT_YUV420P);
        context.time_base(av_make_q(1, fps));
        context.framerate(av_make_q(fps, 1));
        context.bit_rate(bitrate);
        context.gop_size(gop);
        context.max_b_frames(0);
        context.profile(AV_PROFILE_H264_CONSTRAINED_BASELINE);
        context.thread_count(1);
        av_opt_set(context.priv_data(), "rc_mode", "bitrate", 0);
        av_opt_set(context.priv_data(), "allow_skip_frames", "0", 0); // one frame out per picture in
        FfmpegError.check(avcodec_open2(context, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null),
                "opening " + ENCODER_NAME);
        frame = av_frame_alloc();
        frame.format(AV_PIX_FMT_YUV420P);
        frame.width(codedWidth);
        frame.height(codedHeight);
        FfmpegError.check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
        packet = av_packet_alloc();
        scaler = sws_getContext(width, height, AV_PIX_FMT_BGR24, codedWidth, codedHeight, AV_PIX_FMT_YUV420P,
                SWS_BILINEAR, null, null, (DoublePointer) null);
        if (scaler == null || scaler.isNull()) {
            throw new IllegalStateException("swscale cannot convert " + width + "x" + height + " BGR to YUV 4:2:0");
        }
        bgr = new BytePointer((long) width * height * 3);
        sourceData.put(0, bgr);
        sourceStride.put(0, width * 3);
        pts = 0;
    }

    /** The picture as packed BGR rows: the image's own array when it is one, else a copy drawn into one. */
    private byte[] bgrPixels(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && image.getRaster().getDataBuffer() instanceof DataBufferByte bytes
                && bytes.getNumBanks() == 1 && bytes.getOffset() == 0
                && bytes.getData().length == width * height * 3
                && image.getRaster().getSampleModelTranslateX() == 0
                && image.getRaster().getSampleModelTranslateY() == 0) {
            return bytes.getData();
        }
        if (scratch == null || scratch.getWidth() != width || scratch.getHeight() != height) {
            scratch = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        }
        Graphics2D g = scratch.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return ((DataBufferByte) scratch.getRaster().getDataBuffer()).getData();
    }

    private void release() {
        if (context != null) {
            avcodec_free_context(context);
            context = null;
        }
        if (frame != null) {
            av_frame_free(frame);
            frame = null;
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (scaler != null) {
            sws_freeContext(scaler);
            scaler = null;
        }
        if (bgr != null) {
            bgr.close();
            bgr = null;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            release();
            sourceData.close();
            sourceStride.close();
        }
    }

    static {
        avutil.av_log_set_level(avutil.AV_LOG_FATAL); // failures reach the caller as exceptions or counts
    }
}
