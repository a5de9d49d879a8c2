package chorus.client.load;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.AudioLevel;
import chorus.protocol.audio.OpusFormat;
import chorus.protocol.audio.SilenceSuppression;
import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What every load participant sends of one kind, in a loop: frames made once before the run (real
 * encoder output, or filler for the synthetic clip), each with its keyframe flag and audio level,
 * so the generator's own CPU goes to sending, not encoding. Immutable and shared by all senders.
 */
record MediaClip(MediaKind kind, int codec, String label, List<Frame> frames) {

    /**
     * One frame of the loop: its payload, header flags and audio-level byte; a null payload is a
     * frame the sender does not send (silence suppression), its frame id skipped.
     */
    record Frame(byte[] data, int flags, int audioLevel) {
        boolean sent() {
            return data != null;
        }

        int fragments() {
            return Fragmenter.fragmentsFor(data.length);
        }

        boolean keyframe() {
            return (flags & MediaHeader.FLAG_KEYFRAME) != 0;
        }
    }

    MediaClip {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a clip needs at least one frame");
        }
        frames = List.copyOf(frames);
    }

    /** Frame {@code frameId} of the loop. */
    Frame frame(long frameId) {
        return frames.get((int) Long.remainderUnsigned(frameId, frames.size()));
    }

    /** Mean payload bytes per frame slot (a frame not sent counts as 0). */
    double meanFrameBytes() {
        return frames.stream().mapToInt(f -> f.sent() ? f.data().length : 0).average().orElse(0);
    }

    double meanFragments() {
        return frames.stream().mapToInt(f -> f.sent() ? f.fragments() : 0).average().orElse(0);
    }

    /** Payload bit rate of one sender at {@code framesPerSecond} (headers and tags not counted). */
    double payloadBitsPerSecond(double framesPerSecond) {
        return meanFrameBytes() * 8 * framesPerSecond;
    }

    long keyframes() {
        return frames.stream().filter(Frame::keyframe).count();
    }

    String describe(double framesPerSecond) {
        return String.format(Locale.ROOT, "%s (%d-frame loop, mean %,.0f bytes/frame, %,.0f kbit/s payload)",
                label, frames.size(), meanFrameBytes(), payloadBitsPerSecond(framesPerSecond) / 1000);
    }

    /**
     * The first plan's video: every frame a {@code frameBytes}-byte keyframe of filler labelled JPEG
     * (the relay does not look inside video payloads).
     */
    static MediaClip syntheticVideo(int frameBytes) {
        byte[] filler = new byte[frameBytes];
        new Random(frameBytes).nextBytes(filler);
        return new MediaClip(MediaKind.VIDEO, Codec.JPEG, String.format(Locale.ROOT, "synthetic %,d-byte frames", frameBytes),
                List.of(new Frame(filler, MediaHeader.FLAG_KEYFRAME, 0)));
    }

    /** A talker's tone: a quarter of full scale. */
    static final double TONE_AMPLITUDE = 8192;

    /** 20 ms PCM16 frames: a 1 s loop of a tone at {@code hz} (a talker) or of silence ({@code hz} 0). */
    static MediaClip pcm(double hz) {
        return pcm(hz, TONE_AMPLITUDE);
    }

    /** {@link #pcm(double)} with the tone's peak {@code amplitude} (of 32767). */
    static MediaClip pcm(double hz, double amplitude) {
        Frame[] frames = new Frame[1000 / AudioFormat.FRAME_MILLIS];
        short[] samples = new short[AudioFormat.FRAME_SAMPLES];
        for (int f = 0; f < frames.length; f++) {
            tone(hz, amplitude, f, samples);
            byte[] bytes = new byte[AudioFormat.FRAME_BYTES];
            AudioFormat.toBytes(samples, bytes);
            frames[f] = new Frame(bytes, 0, AudioLevel.of(samples, samples.length));
        }
        return new MediaClip(MediaKind.AUDIO, Codec.PCM16, hz > 0 ? String.format(Locale.ROOT, "PCM16 tone (level %d)", frames[0].audioLevel()) : "PCM16 silence", List.of(frames));
    }

    /**
     * 20 ms Opus frames from the clients' encoder settings: a 2 s loop of a tone at {@code hz} (a
     * talker, every frame sent) or of silence ({@code hz} 0: only the frames the clients' silence
     * suppression sends, one in 20).
     */
    static MediaClip opus(double hz) {
        return opus(hz, TONE_AMPLITUDE);
    }

    /** {@link #opus(double)} with the tone's peak {@code amplitude} (of 32767). */
    static MediaClip opus(double hz, double amplitude) {
        io.github.jaredmdobson.concentus.OpusEncoder encoder = OpusFormat.newParticipantEncoder(OpusFormat.DEFAULT_BITRATE);
        SilenceSuppression suppression = new SilenceSuppression();
        short[] samples = new short[AudioFormat.FRAME_SAMPLES];
        byte[] packet = new byte[OpusFormat.MAX_PACKET_BYTES];
        // Warm the encoder over one loop first, so the clip is what a running client sends.
        Frame[] frames = new Frame[2 * 1000 / AudioFormat.FRAME_MILLIS];
        for (int pass = 0; pass < 2; pass++) {
            for (int f = 0; f < frames.length; f++) {
                tone(hz, amplitude, f, samples);
                int level = AudioLevel.of(samples, samples.length);
                int length = OpusFormat.encode(encoder, samples, packet);
                boolean sent = suppression.send(level);
                frames[f] = new Frame(sent ? java.util.Arrays.copyOf(packet, length) : null, 0, level);
            }
        }
        return new MediaClip(MediaKind.AUDIO, Codec.OPUS, hz > 0 ? String.format(Locale.ROOT, "Opus tone (level %d)", frames[frames.length - 1].audioLevel()) : "Opus silence (suppressed)",
                List.of(frames));
    }

    /** Frame {@code f} of a tone at {@code hz}, amplitude a quarter of full scale; silence for 0 Hz. */
    static void tone(double hz, int f, short[] samples) {
        tone(hz, TONE_AMPLITUDE, f, samples);
    }

    static void tone(double hz, double amplitude, int f, short[] samples) {
        for (int i = 0; i < samples.length; i++) {
            double t = (f * (double) samples.length + i) / AudioFormat.SAMPLE_RATE;
            samples[i] = hz > 0 ? (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * t)) : 0;
        }
    }
}
