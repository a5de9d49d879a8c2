package chorus.protocol.audio;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Opus settings clients and the relay share (Concentus, pure Java): {@link AudioFormat}'s 48 kHz
 * mono 20 ms frames, one packet per frame, the VOIP application at {@link #DEFAULT_BITRATE}, VBR.
 *
 * <p>The signal hint is music, so Opus codes with its transform layer (CELT) rather than its speech
 * model (SILK): at 32 kbit/s CELT carries speech well, a relay's mix of several voices is not one
 * voice, and measured here it kept a tone's level within 10 % through both encodings (client, then
 * the relay's mix) where the voice hint lost up to 25 %, at a third to a quarter of the encoder's CPU
 * in Concentus. Silence is suppressed by the sender by its audio level ({@link SilenceSuppression}),
 * not by Opus DTX: a DTX packet still costs a whole datagram (header, tag, UDP/IP) on the 20 ms
 * clock, and the relay would still open every one of them.
 */
public final class OpusFormat {
    /** About 32 kbit/s: wideband speech with room to spare, far below PCM's 768 kbit/s. */
    public static final int DEFAULT_BITRATE = 32_000;
    /** The largest Opus packet of one frame (RFC 6716, 3.2.1). */
    public static final int MAX_PACKET_BYTES = 1275;
    /** A participant's microphone: one encoder, the middle of Concentus's range. */
    private static final int PARTICIPANT_COMPLEXITY = 5;
    /** The relay encodes up to K + 1 mixes every 20 ms: the cheap end. */
    private static final int MIX_COMPLEXITY = 0;

    private static final CompletableFuture<Void> WARMED = new CompletableFuture<>();
    private static final AtomicBoolean WARMING = new AtomicBoolean();
    /** Frames a warm-up codes: past this Concentus runs compiled (measured: ~8 ms a frame cold, under 1 ms after). */
    private static final int WARM_UP_FRAMES = 200;

    private OpusFormat() {
    }

    /**
     * Once per JVM, on a background thread: encodes and decodes a few seconds of a tone, so the JIT
     * has compiled Concentus before a call needs it in real time (cold, one frame takes longer
     * than its 20 ms, and the first second of a call would break up). Completes when done.
     */
    public static CompletableFuture<Void> warmUp() {
        if (!WARMING.compareAndSet(false, true)) {
            return WARMED;
        }
        Thread t = new Thread(() -> {
            try {
                OpusEncoder participant = newParticipantEncoder(DEFAULT_BITRATE);
                OpusEncoder mix = newMixEncoder(DEFAULT_BITRATE);
                OpusFrameDecoder decoder = new OpusFrameDecoder();
                short[] samples = new short[AudioFormat.FRAME_SAMPLES];
                byte[] packet = new byte[MAX_PACKET_BYTES];
                for (int f = 0; f < WARM_UP_FRAMES; f++) {
                    for (int i = 0; i < samples.length; i++) {
                        samples[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * (f * samples.length + i)
                                / AudioFormat.SAMPLE_RATE));
                    }
                    decoder.decode(packet, encode(participant, samples, packet), samples);
                    decoder.decode(packet, encode(mix, samples, packet), samples);
                    if (f % 10 == 9) {
                        decoder.conceal(samples, 1);
                    }
                }
                WARMED.complete(null);
            } catch (RuntimeException e) {
                WARMED.completeExceptionally(e);
            }
        }, "chorus-opus-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return WARMED;
    }

    /** A new encoder for one participant's microphone at {@code bitrate} bits per second (6 000..510 000). */
    public static OpusEncoder newParticipantEncoder(int bitrate) {
        return newEncoder(bitrate, PARTICIPANT_COMPLEXITY);
    }

    /** A new encoder for one of a relay's mixes. */
    public static OpusEncoder newMixEncoder(int bitrate) {
        return newEncoder(bitrate, MIX_COMPLEXITY);
    }

    private static OpusEncoder newEncoder(int bitrate, int complexity) {
        if (bitrate < 6_000 || bitrate > 510_000) {
            throw new IllegalArgumentException("Opus bitrate " + bitrate + " is outside 6000..510000");
        }
        try {
            OpusEncoder encoder = new OpusEncoder(AudioFormat.SAMPLE_RATE, AudioFormat.CHANNELS,
                    OpusApplication.OPUS_APPLICATION_VOIP);
            encoder.setBitrate(bitrate);
            encoder.setSignalType(OpusSignal.OPUS_SIGNAL_MUSIC);
            encoder.setComplexity(complexity);
            encoder.setUseVBR(true);
            encoder.setUseDTX(false);
            return encoder;
        } catch (OpusException e) {
            throw new IllegalStateException("Concentus refuses the fixed Opus settings", e);
        }
    }

    /**
     * Encodes one frame of {@link AudioFormat#FRAME_SAMPLES} samples into {@code packet} (at least
     * {@link #MAX_PACKET_BYTES} long); returns the packet's length.
     */
    public static int encode(OpusEncoder encoder, short[] samples, byte[] packet) {
        try {
            return encoder.encode(samples, 0, AudioFormat.FRAME_SAMPLES, packet, 0, packet.length);
        } catch (OpusException e) {
            throw new IllegalStateException("Opus encoding failed", e);
        }
    }
}
