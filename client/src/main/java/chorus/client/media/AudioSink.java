package chorus.client.media;

/**
 * Receives each frame the playout clock plays, every 20 ms, on the media clock thread: a frame
 * heard from the relay, a concealed one, or silence when nothing is coming in, so a sink that
 * records stays aligned with the wall clock. Must return quickly and must not keep or modify
 * {@code frame}.
 */
@FunctionalInterface
public interface AudioSink {
    enum Origin {
        /** A frame of the relay's mix, on time. */
        RECEIVED,
        /** Made up by the jitter buffer to cover a missing frame. */
        CONCEALED,
        /** Nothing to play: the mix has not started or went quiet. */
        SILENCE
    }

    void play(short[] frame, Origin origin);
}
