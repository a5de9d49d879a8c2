package chorus.client.load;

import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaKind;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulcast layer of a load participant's camera as it goes out: its clip, looped at the
 * layer's own frame rate (frames left out evenly when it is below the run's), its fragmenter (the
 * layer's own sequences and frame ids, as a client's), and the send stamps the receiver measures
 * latency by. While the relay says nobody wants the layer ({@code layers-wanted}, dynacast) its
 * frames are paused and counted; it resumes, and answers a keyframe request for the layer, by
 * sending the clip's keyframe in its next slot (the loop keeps its phase). Counters and clip position belong to the sender thread; a
 * keyframe request comes from the receiver thread.
 */
final class VideoLayerStream {
    private static final int STAMPS = 4096;

    final int index;
    final LoadSpec.VideoLayer layer;
    final Fragmenter fragmenter;
    final SendStamps stamps;
    private final AtomicBoolean keyframeRequested = new AtomicBoolean();
    private final AtomicLong keyframeRequests = new AtomicLong();

    // sender thread
    private int rateCredit;
    private long position;
    private boolean paused;
    long datagramsSentMeasured;
    long bytesSentMeasured;
    long framesSentMeasured;
    long framesPaused;
    long framesPausedMeasured;
    long keyframesForced;

    VideoLayerStream(int mediaId, int index, LoadSpec.VideoLayer layer, long epochNanos) {
        this.index = index;
        this.layer = layer;
        this.fragmenter = new Fragmenter(MediaKind.VIDEO, mediaId, layer.clip().codec(), index);
        this.stamps = new SendStamps(STAMPS, epochNanos);
    }

    /**
     * The frame this layer sends in the run's next frame slot, or null: not this layer's turn at its
     * rate, or paused because nobody wants it ({@code wanted} false; counted).
     *
     * @param runFps the rate of the run's frame slots
     */
    MediaClip.Frame next(int runFps, boolean wanted, boolean measured) {
        rateCredit += Math.min(runFps, layer.fps());
        if (rateCredit < runFps) {
            return null;
        }
        rateCredit -= runFps;
        if (!wanted) {
            paused = true;
            framesPaused++;
            if (measured) {
                framesPausedMeasured++;
            }
            return null;
        }
        if (measured) {
            framesSentMeasured++;
        }
        // Resuming, or asked: receivers switching to this layer need a keyframe first. It takes
        // this slot and the loop goes on where it was: jumping the loop to its start put every
        // sender asked at once (all of them, as a room fills) on the same phase, and their periodic
        // keyframes then came in one burst every interval, which the relay queued for 200-400 ms.
        if (keyframeRequested.getAndSet(false) || paused) {
            paused = false;
            if (position % layer.clip().frames().size() != 0) {
                keyframesForced++;
                return layer.clip().frame(0);
            }
        }
        return layer.clip().frame(position++);
    }

    /** The relay asked for a keyframe of this layer (receiver thread). */
    void requestKeyframe() {
        keyframeRequests.incrementAndGet();
        keyframeRequested.set(true);
    }

    long keyframeRequests() {
        return keyframeRequests.get();
    }
}
