package chorus.client.load;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The one sending thread of a load run. Every video sender has a video frame slot once per 1/fps,
 * sender i at offset i/S of the interval (S video senders in all), in which each of its layers
 * sends if it is the layer's turn; with audio every participant sends a 20 ms frame once per
 * 20 ms, staggered the same way over all P participants. Each send has an absolute deadline computed
 * from its slot number (never from the previous send, so nothing drifts); the thread parks until it,
 * and when it is late it sends at once and records how late. It never spins.
 */
final class LoadSender implements Runnable {
    private static final long AUDIO_FRAME_NANOS = 20_000_000L;
    private static final int VIDEO_CLOCK_HZ = 90_000;

    private final List<LoadParticipant> videoSenders;
    private final List<LoadParticipant> participants;
    private final int fps;
    private final long start;
    private final long measureStart;
    private final long end;
    private final Fragmenter.PacketSink videoSink = this::sendFragment;
    // the frame being fragmented, for the sink
    private LoadParticipant fragmentOf;
    private VideoLayerStream fragmentLayer;
    private boolean fragmentMeasured;
    private final LoadSpec.AudioLoad audio;
    private final LatencyHistogram lateness = new LatencyHistogram();
    private volatile boolean stopRequested;
    private volatile long finishedAt;
    private volatile long cpuAtMeasureStart = -1;
    private volatile long cpuAtEnd = -1;

    /**
     * @param start        {@link System#nanoTime()} of the first slot (warm-up begins)
     * @param measureStart slots from here on are sent as measured (phase 1)
     * @param end          no slot at or after this is sent
     */
    LoadSender(List<LoadParticipant> videoSenders, List<LoadParticipant> participants, int fps, LoadSpec.AudioLoad audio,
               long start, long measureStart, long end) {
        this.videoSenders = List.copyOf(videoSenders);
        this.participants = List.copyOf(participants);
        this.fps = fps;
        this.audio = audio;
        this.start = start;
        this.measureStart = measureStart;
        this.end = end;
    }

    @Override
    public void run() {
        long count = participants.size();
        long senders = videoSenders.size();
        long videoSlots = 0;
        long audioSlots = 0;
        try {
            while (!stopRequested) {
                // Slot times in integer nanoseconds from the slot number: exact, so no drift and
                // no slot lands on the wrong side of the window's edges.
                long videoAt = start + videoSlots * 1_000_000_000L / (fps * senders);
                long audioAt = audio != null ? start + audioSlots * AUDIO_FRAME_NANOS / count : Long.MAX_VALUE;
                boolean videoNext = videoAt - audioAt <= 0;
                long at = videoNext ? videoAt : audioAt;
                if (at - end >= 0) {
                    return;
                }
                parkUntil(at);
                boolean measured = false;
                if (at - measureStart >= 0) {
                    measured = true;
                    if (cpuAtMeasureStart < 0) {
                        cpuAtMeasureStart = threadCpuNanos();
                    }
                    lateness.recordNanos(System.nanoTime() - at);
                }
                if (videoNext) {
                    sendVideo(videoSenders.get((int) (videoSlots++ % senders)), measured);
                } else {
                    sendAudio(participants.get((int) (audioSlots++ % count)), measured);
                }
            }
        } finally {
            cpuAtEnd = threadCpuNanos();
            finishedAt = System.nanoTime();
        }
    }

    private static long threadCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
    }

    private void parkUntil(long deadline) {
        long wait;
        while ((wait = deadline - System.nanoTime()) > 0 && !stopRequested) {
            LockSupport.parkNanos(wait);
        }
    }

    /**
     * One frame slot of {@code p}'s camera: each of its layers whose turn it is at the layer's rate
     * sends its next clip frame, unless the relay's last {@code layers-wanted} left the layer out.
     */
    private void sendVideo(LoadParticipant p, boolean measured) {
        long timestamp = (p.videoSlot++ & 0xFFFF_FFFFL) * VIDEO_CLOCK_HZ / fps;
        List<Integer> wanted = ControlConnections.layersWanted(p.control);
        for (VideoLayerStream layer : p.layers) {
            MediaClip.Frame frame = layer.next(fps, wanted == null || wanted.contains(layer.index), measured);
            if (frame == null) {
                continue;
            }
            fragmentOf = p;
            fragmentLayer = layer;
            fragmentMeasured = measured;
            synchronized (p.videoSealer) {
                layer.fragmenter.send(frame.data(), 0, frame.data().length, timestamp, frame.flags(), videoSink);
            }
        }
    }

    /** Seals, stamps and sends one clear video fragment of the frame {@link #sendVideo} is sending. */
    private void sendFragment(ByteBuffer clear) {
        LoadParticipant p = fragmentOf;
        long sequence = MediaHeader.sequence(clear, 0);
        ByteBuffer datagram = p.videoSealer.seal(clear);
        int length = datagram.remaining();
        // Taken last before sending: the seal is done, the send is all that is left.
        fragmentLayer.stamps.record(sequence, fragmentMeasured, System.nanoTime());
        boolean sent = send(p, p.video, datagram, p.videoEndpoint);
        if (sent && fragmentMeasured) {
            p.videoSentMeasured++;
            p.videoBytesSentMeasured += length;
            fragmentLayer.datagramsSentMeasured++;
            fragmentLayer.bytesSentMeasured += length;
        }
    }

    private void sendAudio(LoadParticipant p, boolean measured) {
        long frameId = p.audioFrameId++ & 0xFFFF_FFFFL;
        long timestamp = frameId * AudioFormat.FRAME_SAMPLES;
        ClipWriter writer = p.audioWriter;
        MediaClip.Frame frame = writer.clip().frame(frameId);
        if (!frame.sent()) {
            return; // suppressed silence: the frame id is skipped, as the clients' senders skip it
        }
        for (int i = 0; i < frame.fragments(); i++) {
            boolean sent;
            int length;
            synchronized (p.audioSealer) {
                ByteBuffer datagram = writer.fragment(frame, p.mediaId, p.audioSequence++, timestamp, frameId, i,
                        p.audioSealer);
                length = datagram.remaining();
                sent = send(p, p.audio, datagram, p.audioEndpoint);
            }
            if (sent && measured) {
                p.audioSentMeasured++;
                p.audioBytesSentMeasured += length;
            }
        }
    }

    /** False when the datagram did not leave: the socket's send buffer was full (non-blocking) or it failed. */
    private static boolean send(LoadParticipant p, MediaSocket socket, ByteBuffer datagram, InetSocketAddress to) {
        try {
            if (socket.send(datagram, to) == 0) {
                p.sendBufferFull++;
                return false;
            }
            return true;
        } catch (IOException e) {
            p.sendErrors++;
            return false;
        }
    }

    void stop() {
        stopRequested = true;
    }

    /** How late each measured send started against its deadline; read after the thread ended. */
    LatencyHistogram lateness() {
        return lateness;
    }

    /** CPU time this thread spent from the first measured slot to its end, or -1 when unknown. */
    long measuredCpuNanos() {
        return cpuAtMeasureStart < 0 || cpuAtEnd < 0 ? -1 : cpuAtEnd - cpuAtMeasureStart;
    }

    /** {@link System#nanoTime()} when the thread ended, 0 while it runs. */
    long finishedAt() {
        return finishedAt;
    }
}
