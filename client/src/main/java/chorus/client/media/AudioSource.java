package chorus.client.media;

/** Something that produces the audio a client sends: one 20 ms frame per call, on the media clock. */
@FunctionalInterface
public interface AudioSource {
    /** Fills {@code frame} ({@link chorus.protocol.audio.AudioFormat#FRAME_SAMPLES} samples, 48 kHz mono). */
    void read(short[] frame);
}
