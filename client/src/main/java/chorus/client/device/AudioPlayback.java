package chorus.client.device;

import chorus.client.media.AudioSink;

/** An open speaker: plays each 20 ms frame it is given, without blocking the playout clock. */
public interface AudioPlayback extends AudioSink, AutoCloseable {
    @Override
    void close();
}
