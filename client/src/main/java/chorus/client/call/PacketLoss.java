package chorus.client.call;

import chorus.client.session.MediaSession;

/**
 * The share of the video datagrams others sent that did not reach this client, over the last two
 * seconds, from the senders' sequence numbers: sampled once a second on the call's connector thread.
 */
final class PacketLoss {
    private final long[][] samples = new long[3][]; // {expected, received}, oldest first; connector thread only
    private volatile double value = -1;

    /** A new connection (or none): nothing measured yet. */
    void reset() {
        samples[0] = samples[1] = samples[2] = null;
        value = -1;
    }

    void sample(MediaSession media) {
        samples[0] = samples[1];
        samples[1] = samples[2];
        samples[2] = new long[] {media.videoPacketsExpected(), media.videoPacketsReceived()};
        long[] from = samples[0] != null ? samples[0] : samples[1];
        if (from == null) {
            return;
        }
        long expected = samples[2][0] - from[0];
        long received = samples[2][1] - from[1];
        value = expected <= 0 ? -1 : Math.max(0, (double) (expected - received) / expected);
    }

    /** 0..1, or -1 while nothing was expected. */
    double value() {
        return value;
    }
}
