package chorus.client.load;

import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.KeyframeRequest;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaSealer;
import chorus.protocol.media.ReplayWindow;
import chorus.protocol.media.MediaKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The receiving side of a load run, on one thread: every participant's media sockets read by a
 * NIO selector ({@link SelectorReceiver}) or by one Netty epoll event loop in batches
 * ({@link EpollReceiver}). Either hands each datagram to {@link #handle}, which counts
 * measured-phase video per receiver and its one-way latency, audio by arrival time within the
 * measured window, and marks sockets whose HELLO the relay acknowledged.
 */
abstract class LoadReceiver {
    /** One socket of one participant. */
    record Endpoint(LoadParticipant participant, MediaSocket socket, InetSocketAddress relay, boolean video) {
    }

    /** Who sent a forwarded datagram, by the media id in its header: their send stamps give its latency. */
    private final Map<Integer, LoadParticipant> byMediaId = new HashMap<>();
    private final LatencyHistogram latency = new LatencyHistogram();
    /** Where a datagram is read to (or copied to) before {@link #handle}: longer than any, so an over-long one shows. */
    protected final ByteBuffer buffer = ByteBuffer.allocate(2 * MediaHeader.MAX_DATAGRAM);
    /** What the relay sent, opened (the measured stamp is inside the encrypted payload). */
    private final ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    private final ByteBuffer response = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private long lastMeasuredArrival;
    private long ignored;

    LoadReceiver(List<LoadParticipant> participants) {
        for (LoadParticipant p : participants) {
            byMediaId.put(p.mediaId, p);
        }
    }

    /** Every socket of {@code participants}, video first. */
    static List<Endpoint> endpoints(List<LoadParticipant> participants) {
        List<Endpoint> all = new java.util.ArrayList<>();
        for (LoadParticipant p : participants) {
            all.add(new Endpoint(p, p.video, p.videoEndpoint, true));
            if (p.audio != null) {
                all.add(new Endpoint(p, p.audio, p.audioEndpoint, false));
            }
        }
        return all;
    }

    /** Starts reading every socket. */
    abstract void start() throws IOException;

    /** Stops reading and waits (bounded) until the last datagram read is counted; the figures are then final. */
    abstract void stop() throws InterruptedException;

    /** CPU time of its reading thread so far, in nanoseconds, or -1 when the JVM cannot say. */
    abstract long cpuNanos();

    /** How it reads, for the report. */
    abstract String describe();

    /** Audio is counted by arrival time within [start, end) (the relay's mix carries no stamp of ours). */
    void window(long startNanos, long endNanos) {
        windowEnd = endNanos;
        windowStart = startNanos;
    }

    /** A datagram whose read failed. */
    protected final void readFailed() {
        ignored++;
    }

    /** The datagram of {@code length} bytes in {@link #buffer}, read from {@code e}'s socket at {@code now}, sent from {@code from}. */
    protected final void handle(Endpoint e, int length, SocketAddress from, long now) {
        LoadParticipant p = e.participant;
        if (!e.relay.equals(from) || !opened(e, p, length)) {
            ignored++;
            return;
        }
        MediaKind kind = MediaHeader.kind(clear, 0);
        if (kind == MediaKind.HELLO) {
            acknowledge(e, p);
        } else if (kind == MediaKind.CHALLENGE) {
            respond(e, p);
        } else if (e.video && kind == MediaKind.KEYFRAME_REQUEST) {
            keyframeRequest(p);
        } else if (e.video && kind == MediaKind.VIDEO) {
            LoadParticipant sender = byMediaId.get(MediaHeader.mediaId(clear, 0));
            int layer = MediaHeader.layer(clear, 0);
            VideoLayerStream stream = sender == null || layer >= sender.layers.length ? null : sender.layers[layer];
            long stamp = stream == null ? SendStamps.UNKNOWN : stream.stamps.entry(MediaHeader.sequence(clear, 0));
            if (stamp == SendStamps.UNKNOWN) {
                ignored++;
            } else if (SendStamps.measured(stamp)) {
                p.videoReceived++;
                p.videoBytesReceived += length;
                int source = sender.indexInRoom * sender.layers.length + layer;
                if (sender.room == p.room && source < p.receivedFrom.length) {
                    p.receivedFrom[source]++;
                }
                latency.recordNanos(now - stream.stamps.sentAt(stamp));
                lastMeasuredArrival = now;
            }
        } else if (!e.video && kind == MediaKind.AUDIO) {
            if (now - windowStart >= 0 && now - windowEnd < 0) {
                p.audioDatagramsInWindow++;
                p.audioBytesInWindow += length;
                if (MediaHeader.fragmentIndex(clear, 0) == 0) {
                    p.audioFramesInWindow++;
                }
            }
        } else {
            ignored++;
        }
    }

    /** Every datagram is opened (as a real client does): header, replay window, tag. */
    private boolean opened(Endpoint e, LoadParticipant p, int length) {
        if (MediaHeader.validate(buffer, 0, length) != null) {
            return false;
        }
        ReplayWindow window = e.video ? p.videoWindow : p.audioWindow;
        long packetNumber = MediaHeader.packetNumber(buffer, 0);
        if (window.check(packetNumber) != null || !(e.video ? p.videoOpener : p.audioOpener).open(buffer, length,
                e.video ? MediaCipher.VIDEO_CHANNEL : MediaCipher.AUDIO_CHANNEL, MediaCipher.RELAY_TO_CLIENT, clear)) {
            return false;
        }
        window.accept(packetNumber);
        return true;
    }

    /** The relay asks {@code p} for a keyframe of one of its camera's layers (it switches a receiver to it). */
    private void keyframeRequest(LoadParticipant p) {
        if (!KeyframeRequest.valid(clear) || KeyframeRequest.targetMediaId(clear) != p.mediaId
                || KeyframeRequest.targetKind(clear) != MediaKind.VIDEO
                || KeyframeRequest.targetLayer(clear) >= p.layers.length) {
            ignored++;
            return;
        }
        p.layers[KeyframeRequest.targetLayer(clear)].requestKeyframe();
    }

    /** Answers the relay's challenge from the socket it reached (return routability). */
    private void respond(Endpoint e, LoadParticipant p) {
        if (MediaHeader.payloadLength(clear, 0) != Fragmenter.COOKIE_LENGTH) {
            ignored++;
            return;
        }
        Fragmenter.encodeCookie(response, MediaKind.RESPONSE, p.mediaId, 0, Fragmenter.cookie(clear));
        MediaSealer sealer = e.video ? p.videoSealer : p.audioSealer;
        try {
            synchronized (sealer) {
                e.socket.send(sealer.seal(response), e.relay);
            }
        } catch (IOException failed) {
            ignored++;
        }
    }

    private void acknowledge(Endpoint e, LoadParticipant p) {
        if (MediaHeader.mediaId(clear, 0) != p.mediaId) {
            ignored++;
        } else if (e.video) {
            p.videoAcked = true;
        } else {
            p.audioAcked = true;
        }
    }

    // Read by the load test after the thread has ended.

    LatencyHistogram latency() {
        return latency;
    }

    /** {@link System#nanoTime()} of the last measured video datagram, 0 when none came. */
    long lastMeasuredArrival() {
        return lastMeasuredArrival;
    }

    /** Datagrams not from the relay's endpoint, malformed, or of a kind this socket does not expect. */
    long ignored() {
        return ignored;
    }
}
