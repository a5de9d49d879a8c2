package chorus.client.codec;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_LOW_DELAY;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_EF_EXPLODE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import chorus.protocol.media.Codec;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One sender stream's H.264 through FFmpeg's {@code h264} decoder, one picture out per access unit
 * in (low delay, one thread), converted to a BGR {@link BufferedImage}. It waits for a keyframe at
 * the start, after a lost frame and after a frame it could not decode (FFmpeg's bitstream errors
 * are made fatal and a frame flagged corrupt is refused), so a broken reference chain never shows
 * as a smeared picture. Not thread-safe; {@link #close} frees the native decoder.
 */
public final class H264Decoder implements VideoDecoder {
    /** AV_FRAME_FLAG_CORRUPT (libavutil/frame.h), which the presets do not name. */
    private static final int FRAME_FLAG_CORRUPT = 1;

    private final AVCodecContext context;
    private final AVPacket packet;
    private final AVFrame frame;
    private BytePointer input = new BytePointer(64 * 1024 + AV_INPUT_BUFFER_PADDING_SIZE);
    private SwsContext scaler;
    private BytePointer bgr;
    private final PointerPointer<BytePointer> targetData = new PointerPointer<>(1);
    private final IntPointer targetStride = new IntPointer(1);
    private boolean needsKeyframe = true;
    private boolean closed;

    static {
        avutil.av_log_set_level(avutil.AV_LOG_FATAL); // undecodable input is counted, not logged by FFmpeg
    }

    public H264Decoder() {
        AVCodec codec = avcodec_find_decoder(AV_CODEC_ID_H264);
        if (codec == null || codec.isNull()) {
            throw new IllegalStateException("this FFmpeg build has no H.264 decoder");
        }
        context = avcodec_alloc_context3(codec);
        context.thread_count(1);
        context.flags(context.flags() | AV_CODEC_FLAG_LOW_DELAY);
        context.err_recognition(context.err_recognition() | AV_EF_EXPLODE);
        FfmpegError.check(avcodec_open2(context, codec, (AVDictionary) null), "opening the h264 decoder");
        packet = av_packet_alloc();
        frame = av_frame_alloc();
    }

    @Override
    public int codec() {
        return Codec.H264;
    }

    @Override
    public BufferedImage decode(byte[] data, int offset, int length, boolean keyframe) {
        if (closed) {
            throw new IllegalStateException("decoder closed");
        }
        if (needsKeyframe && !keyframe) {
            return null;
        }
        if (length <= 0) {
            return broken();
        }
        if (input.capacity() < length + AV_INPUT_BUFFER_PADDING_SIZE) {
            input.close();
            input = new BytePointer((long) length * 2 + AV_INPUT_BUFFER_PADDING_SIZE);
        }
        input.position(0).put(data, offset, length);
        input.position(length).put(new byte[AV_INPUT_BUFFER_PADDING_SIZE]).position(0);
        packet.data(input);
        packet.size(length);
        int sent = avcodec_send_packet(context, packet);
        packet.data(null);
        packet.size(0);
        if (sent < 0) {
            return broken();
        }
        BufferedImage image = null;
        boolean corrupt = false;
        int result;
        while ((result = avcodec_receive_frame(context, frame)) >= 0) {
            if (frame.decode_error_flags() != 0 || (frame.flags() & FRAME_FLAG_CORRUPT) != 0) {
                corrupt = true;
            } else {
                image = toImage(frame);
            }
            av_frame_unref(frame);
        }
        if ((result != AVERROR_EAGAIN() && result != AVERROR_EOF) || corrupt || image == null) {
            return broken();
        }
        needsKeyframe = false;
        return image;
    }

    /** The reference chain is broken: forget it and wait for the next keyframe. */
    private BufferedImage broken() {
        needsKeyframe = true;
        avcodec_flush_buffers(context);
        return null;
    }

    private BufferedImage toImage(AVFrame decoded) {
        int width = decoded.width();
        int height = decoded.height();
        scaler = sws_getCachedContext(scaler, width, height, decoded.format(), width, height, AV_PIX_FMT_BGR24,
                SWS_BILINEAR, null, null, (DoublePointer) null);
        if (scaler == null || scaler.isNull()) {
            return null;
        }
        long bytes = (long) width * height * 3;
        if (bgr == null || bgr.capacity() < bytes) {
            if (bgr != null) {
                bgr.close();
            }
            bgr = new BytePointer(bytes);
        }
        targetData.put(0, bgr);
        targetStride.put(0, width * 3);
        sws_scale(scaler, decoded.data(), decoded.linesize(), 0, height, targetData, targetStride);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        bgr.position(0).get(((DataBufferByte) image.getRaster().getDataBuffer()).getData(), 0, (int) bytes);
        return image;
    }

    @Override
    public void frameLost() {
        if (!needsKeyframe) {
            broken();
        }
    }

    @Override
    public boolean needsKeyframe() {
        return needsKeyframe;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        AVCodecContext c = context;
        avcodec_free_context(c);
        AVPacket p = packet;
        av_packet_free(p);
        AVFrame f = frame;
        av_frame_free(f);
        if (scaler != null) {
            sws_freeContext(scaler);
        }
        if (bgr != null) {
            bgr.close();
        }
        input.close();
        targetData.close();
        targetStride.close();
    }
}
