package chorus.client.media;

import chorus.protocol.audio.AudioFormat;

/**
 * A sine tone at a fixed frequency and a quarter of full scale: the synthetic voice of a bot, easy
 * to pick out of a mix by frequency. Phase-continuous across frames; each sample is computed from
 * the absolute sample index, so there is no accumulated drift however long it runs.
 */
public final class ToneSource implements AudioSource {
    public static final double AMPLITUDE = 0.25;

    private final double hz;
    private long nextSample;

    public ToneSource(double hz) {
        if (!(hz > 0 && hz < AudioFormat.SAMPLE_RATE / 2.0)) {
            throw new IllegalArgumentException("tone of " + hz + " Hz is outside (0, " + AudioFormat.SAMPLE_RATE / 2 + ") Hz");
        }
        this.hz = hz;
    }

    public double hz() {
        return hz;
    }

    @Override
    public void read(short[] frame) {
        for (int i = 0; i < frame.length; i++) {
            // (hz * n) mod rate keeps the sine's argument small, so precision does not decay over hours
            double cycles = (hz * (nextSample + i)) % AudioFormat.SAMPLE_RATE / AudioFormat.SAMPLE_RATE;
            frame[i] = (short) Math.round(AMPLITUDE * 32767 * Math.sin(2 * Math.PI * cycles));
        }
        nextSample += frame.length;
    }

    /** The next frame in a new array. */
    public short[] nextFrame() {
        short[] frame = new short[AudioFormat.FRAME_SAMPLES];
        read(frame);
        return frame;
    }
}
