package chorus.relay.media;

import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.util.concurrent.atomic.AtomicLongArray;
import org.agrona.collections.Int2IntHashMap;

/**
 * Which of one sender's streams each receiver of its {@link SenderFanout} is on now. A receiver
 * asked to move to another camera layer keeps getting the one it is on until the new layer's next
 * keyframe starts (fragment 0 of a keyframe): a decoder can only start there, so moving earlier
 * would show nothing. Until then the sender is asked for that keyframe ({@link #pending}). A screen
 * likewise starts at a keyframe. Rebuilt when the published fan-out changes, keeping each staying
 * receiver's layer; also holds each receiver's forwarded-datagram counters (found at rebuild, never
 * per datagram). Touched under its sender's video lock.
 */
final class LayerSwitches {
    /** Counter slots per (receiver, sender): camera layers 0..2, then the screen. */
    static final int SLOTS = MediaHeader.MAX_LAYERS + 1;
    static final int SCREEN_SLOT = MediaHeader.MAX_LAYERS;

    /** Finds (or makes) the counters of what {@code receiver} is forwarded of {@code sender}. */
    @FunctionalInterface
    interface Counters {
        AtomicLongArray of(int receiver, int sender);
    }

    private final int sender;
    private SenderFanout builtFor;
    /** Receiver media id to its index in {@link #builtFor}. */
    private Int2IntHashMap index = new Int2IntHashMap(-1);
    /** The camera layer each receiver is on, -1 none yet. */
    private int[] current = new int[0];
    private boolean[] screenStarted = new boolean[0];
    private AtomicLongArray[] counters = new AtomicLongArray[0];
    /** Layers (a {@link LayerMask}) some receiver waits for a keyframe of, since {@link #takePending}. */
    private int pending;

    LayerSwitches(int sender) {
        this.sender = sender;
    }

    /** Follows {@code fanout} (a no-op unless it changed since the last call). */
    void follow(SenderFanout fanout, Counters lookup) {
        if (fanout == builtFor) {
            return;
        }
        int n = fanout.receivers().length;
        Int2IntHashMap nextIndex = new Int2IntHashMap(Math.max(8, n * 2), 0.65f, -1);
        int[] nextCurrent = new int[n];
        boolean[] nextScreen = new boolean[n];
        AtomicLongArray[] nextCounters = new AtomicLongArray[n];
        for (int i = 0; i < n; i++) {
            nextIndex.put(fanout.receivers()[i], i);
            int was = index.get(fanout.receivers()[i]);
            nextCurrent[i] = was < 0 ? -1 : current[was];
            nextScreen[i] = was >= 0 && screenStarted[was] && fanout.screen()[i];
            nextCounters[i] = was >= 0 ? counters[was] : lookup.of(fanout.receivers()[i], sender);
            if (fanout.cameraLayer()[i] < 0) {
                nextCurrent[i] = -1; // nothing of the camera now: a later subscription starts at a keyframe again
            }
        }
        current = nextCurrent;
        screenStarted = nextScreen;
        counters = nextCounters;
        index = nextIndex;
        builtFor = fanout;
    }

    /**
     * Whether the datagram (its stream {@code kind} and {@code layer}; {@code keyframeStart}: fragment
     * 0 of a keyframe) goes to receiver {@code i} of the fan-out last followed; counted when it does.
     */
    boolean forwards(int i, MediaKind kind, int layer, boolean keyframeStart) {
        if (kind == MediaKind.SCREEN) {
            if (!builtFor.screen()[i]) {
                return false;
            }
            if (!screenStarted[i]) {
                if (!keyframeStart) {
                    pending |= LayerMask.SCREEN;
                    return false;
                }
                screenStarted[i] = true;
            }
            count(i, SCREEN_SLOT);
            return true;
        }
        int target = builtFor.cameraLayer()[i];
        if (target < 0) {
            return false;
        }
        if (current[i] != target) {
            if (layer == target && keyframeStart) {
                current[i] = target;
            } else {
                pending |= LayerMask.camera(target);
            }
        }
        if (layer != current[i]) {
            return false;
        }
        count(i, layer);
        return true;
    }

    private void count(int i, int slot) {
        AtomicLongArray c = counters[i];
        c.setRelease(slot, c.getPlain(slot) + 1); // one writer: this thread
    }

    /** The layers some receiver waits for a keyframe of, then none. */
    int takePending() {
        int p = pending;
        pending = 0;
        return p;
    }

    /**
     * Whether {@code receiver} is forwarded {@code kind} at {@code layer} now (a NACK for anything
     * else is not answered: a stream it does not get never leaves the relay for it).
     */
    boolean isOn(int receiver, MediaKind kind, int layer) {
        if (builtFor == null) {
            return false;
        }
        int i = index.get(receiver);
        if (i < 0) {
            return false;
        }
        return kind == MediaKind.SCREEN ? screenStarted[i] && layer == 0 : current[i] == layer && layer >= 0;
    }
}
