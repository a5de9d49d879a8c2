package chorus.client.load;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.DominantSpeaker;
import chorus.protocol.control.ControlMessage.Source;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What each receiver of a load run shows ({@code --subscribe}): a page of the {@code count} video
 * senders that follow it in join order (wrapping round, never itself) at {@code layer}, plus the
 * {@code lastN} most recent speakers at {@code lastNLayer}, as one {@code subscribe}. Chosen
 * deterministically, so what each receiver should get is computable: {@link #wanted}.
 */
record SubscriptionPlan(int count, int layer, int lastN, int lastNLayer) {
    /** No layer: a sender whose stream the receiver does not want. */
    static final int NONE = -1;

    /** @throws IllegalArgumentException with a usage message */
    SubscriptionPlan {
        if (count < 0 || lastN < 0) {
            throw new IllegalArgumentException("--subscribe and --last-n must not be negative");
        }
    }

    /** @throws IllegalArgumentException when a layer asked for is one the senders do not send */
    void checkLayers(int layers) {
        if (layer < 0 || layer >= layers || lastNLayer < 0 || lastNLayer >= layers) {
            throw new IllegalArgumentException("--subscribe-layer and --last-n-layer must be 0.." + (layers - 1)
                    + " (the senders send " + layers + " layer" + (layers == 1 ? "" : "s") + "), were " + layer
                    + " and " + lastNLayer);
        }
    }

    /**
     * The page of the participant at {@code self} (join order) in a room of {@code participants} whose
     * first {@code videoSenders} send video: the indices of the next {@code count} senders after it.
     */
    List<Integer> page(int self, int participants, int videoSenders) {
        List<Integer> page = new ArrayList<>(count);
        for (int k = 1; k < participants && page.size() < count; k++) {
            int other = (self + k) % participants;
            if (other < videoSenders) {
                page.add(other);
            }
        }
        return page;
    }

    /** The subscribe message for a page whose participants have {@code pageIds}. */
    ControlMessage.Subscribe message(List<String> pageIds) {
        return new ControlMessage.Subscribe(pageIds.stream().map(id -> Source.camera(id, layer)).toList(),
                lastN > 0 ? new ControlMessage.LastN(lastN, lastNLayer) : null);
    }

    /**
     * The layer the receiver at {@code self} should get from each video sender (index in room, or
     * {@link #NONE}): its page at {@link #layer}, and the first {@link #lastN} of {@code speaker}'s
     * recent speakers other than itself at {@link #lastNLayer}, the larger where both name one.
     *
     * @param speaker  the dominant-speaker message the receiver went by, or null when none came
     * @param indexOf  participant id to index in room, for the room's members
     */
    int[] wanted(int self, int participants, int videoSenders, DominantSpeaker speaker, Map<String, Integer> indexOf) {
        int[] wanted = new int[videoSenders];
        Arrays.fill(wanted, NONE);
        for (int sender : page(self, participants, videoSenders)) {
            wanted[sender] = layer;
        }
        for (int sender : lastN(self, speaker, indexOf)) {
            if (sender < videoSenders) {
                wanted[sender] = Math.max(wanted[sender], lastNLayer);
            }
        }
        return wanted;
    }

    /** The receiver's last-N by {@code speaker}: indices in room, dominant first, never itself. */
    List<Integer> lastN(int self, DominantSpeaker speaker, Map<String, Integer> indexOf) {
        List<Integer> out = new ArrayList<>();
        if (speaker == null || lastN == 0) {
            return out;
        }
        List<String> recent = speaker.recent() != null ? speaker.recent()
                : speaker.participantId() == null ? List.of() : List.of(speaker.participantId());
        for (String id : recent) {
            Integer index = indexOf.get(id);
            if (out.size() == lastN) {
                break;
            }
            if (index != null && index != self && !out.contains(index)) {
                out.add(index);
            }
        }
        return out;
    }

    /** Everyone's camera at its largest layer, as the relay forwards before any subscribe (all-to-all). */
    static int[] allToAll(int self, int videoSenders, int layers) {
        int[] wanted = new int[videoSenders];
        Arrays.fill(wanted, layers - 1);
        if (self < videoSenders) {
            wanted[self] = NONE;
        }
        return wanted;
    }

    String describe() {
        return count + " tile(s) at layer " + layer + (lastN > 0 ? " + last-" + lastN + " at layer " + lastNLayer : "");
    }
}
