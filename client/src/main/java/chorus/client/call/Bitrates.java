package chorus.client.call;

import chorus.client.session.MediaSession;

/**
 * The bitrates this client sends and receives (video and audio together, sealed datagrams without
 * IP and UDP headers) over the last second, from the media session's byte counters: sampled once
 * a second on the call's connector thread.
 */
final class Bitrates {
    private long[] last; // {nanos, sent, received}; connector thread only
    private volatile double sentKbps = -1;
    private volatile double receivedKbps = -1;

    /** A new connection (or none): nothing measured yet. */
    void reset() {
        last = null;
        sentKbps = -1;
        receivedKbps = -1;
    }

    void sample(MediaSession media, long nowNanos) {
        long[] now = {nowNanos, media.bytesSent(), media.bytesReceived()};
        if (last != null && now[0] > last[0]) {
            double seconds = (now[0] - last[0]) / 1e9;
            sentKbps = (now[1] - last[1]) * 8 / seconds / 1000;
            receivedKbps = (now[2] - last[2]) * 8 / seconds / 1000;
        }
        last = now;
    }

    /** kbit/s sent over the last sample, or -1 before two samples. */
    double sentKbps() {
        return sentKbps;
    }

    /** kbit/s received over the last sample, or -1 before two samples. */
    double receivedKbps() {
        return receivedKbps;
    }
}
