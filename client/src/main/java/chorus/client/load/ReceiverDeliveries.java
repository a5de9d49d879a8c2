package chorus.client.load;

import chorus.client.load.LoadReport.Receiver;
import chorus.client.load.LoadReport.ReceiverSummary;
import chorus.client.load.LoadReport.Spread;
import chorus.protocol.control.ControlMessage.DominantSpeaker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each receiver of a run got of what it should have, after the run: the streams it wanted
 * (all-to-all: every other camera at its largest layer; with a {@link SubscriptionPlan}: its page,
 * and its last-N by the dominant-speaker message it had when the window began), the measured
 * datagrams their senders sent on those layers (expected), those it received of them (delivered),
 * and everything else the relay sent it (unsubscribed), with its downlink.
 */
final class ReceiverDeliveries {
    /** Every receiver's figures, the room's totals and their spread. */
    record Result(List<Receiver> receivers, long delivered, long expected, long received, long receivedBytes,
                  ReceiverSummary summary) {
    }

    private ReceiverDeliveries() {
    }

    static Result of(LoadSpec spec, List<LoadParticipant> participants, long measureStart, long measureEnd,
                     double window) {
        int layers = spec.videoLayers().size();
        Map<Integer, List<LoadParticipant>> rooms = new HashMap<>();
        Map<Integer, Map<String, Integer>> ids = new HashMap<>();
        for (LoadParticipant p : participants) {
            // in join order: a member's place in the list is its index in the room
            rooms.computeIfAbsent(p.room, r -> new ArrayList<>()).add(p);
            ids.computeIfAbsent(p.room, r -> new HashMap<>()).put(p.participantId, p.indexInRoom);
        }
        List<Receiver> receivers = new ArrayList<>();
        long delivered = 0;
        long expected = 0;
        long received = 0;
        long receivedBytes = 0;
        int lastNChanged = 0;
        Map<String, Long> errors = new TreeMap<>();
        for (LoadParticipant p : participants) {
            List<LoadParticipant> room = rooms.get(p.room);
            Map<String, Integer> indexOf = ids.get(p.room);
            SubscriptionPlan plan = spec.subscriptions();
            List<ControlConnections.Heard<DominantSpeaker>> speakers = ControlConnections.speakers(p.control);
            DominantSpeaker atStart = null;
            boolean changed = false;
            for (ControlConnections.Heard<DominantSpeaker> h : speakers) {
                if (h.atNanos() - measureStart < 0) {
                    atStart = h.message();
                } else if (h.atNanos() - measureEnd < 0 && plan != null
                        && !plan.lastN(p.indexInRoom, h.message(), indexOf).equals(plan.lastN(p.indexInRoom, atStart, indexOf))) {
                    changed = true;
                }
            }
            int[] wanted = plan == null ? SubscriptionPlan.allToAll(p.indexInRoom, spec.videoSenders(), layers)
                    : plan.wanted(p.indexInRoom, spec.participants(), spec.videoSenders(), atStart, indexOf);
            long expect = 0;
            long expectBytes = 0;
            long got = 0;
            int streams = 0;
            for (int sender = 0; sender < wanted.length; sender++) {
                if (wanted[sender] != SubscriptionPlan.NONE) {
                    streams++;
                    VideoLayerStream stream = room.get(sender).layers[wanted[sender]];
                    expect += stream.datagramsSentMeasured;
                    expectBytes += stream.bytesSentMeasured;
                    got += p.receivedFrom[sender * layers + wanted[sender]];
                }
            }
            List<String> lastN = new ArrayList<>();
            if (plan != null) {
                plan.lastN(p.indexInRoom, atStart, indexOf).forEach(i -> lastN.add(room.get(i).name));
            }
            List<String> refused = ControlConnections.errors(p.control);
            refused.forEach(code -> errors.merge(code, 1L, Long::sum));
            lastNChanged += changed ? 1 : 0;
            delivered += got;
            expected += expect;
            received += p.videoReceived;
            receivedBytes += p.videoBytesReceived;
            receivers.add(new Receiver(p.roomName, p.name, got, expect,
                    expect == 0 ? 0 : LoadReport.round((double) got / expect, 6), p.node,
                    Math.round(p.videoBytesReceived * 8 / window), Math.round(expectBytes * 8 / window),
                    expectBytes == 0 ? null : LoadReport.round((double) p.videoBytesReceived / expectBytes, 4),
                    streams, p.videoReceived - got,
                    plan == null ? null : lastN, changed, ControlConnections.members(p.control),
                    ControlConnections.membersWithLayers(p.control), refused.isEmpty() ? null : refused));
        }
        ReceiverSummary summary = new ReceiverSummary(receivers.size(),
                spec.subscriptions() == null ? "none: all-to-all, every camera at its largest layer"
                        : spec.subscriptions().describe(),
                Spread.of(receivers.stream().mapToDouble(Receiver::downlinkBitsPerSecond).toArray()),
                Spread.of(receivers.stream().filter(r -> r.downlinkOverSubscribed() != null)
                        .mapToDouble(Receiver::downlinkOverSubscribed).toArray()),
                Spread.of(receivers.stream().filter(r -> r.expected() > 0).mapToDouble(Receiver::ratio).toArray()),
                LoadReport.round(expected / window, 1), LoadReport.round(received / window, 1),
                expected == 0 ? null : LoadReport.round((double) received / expected, 4),
                received - delivered, lastNChanged, errors);
        return new Result(receivers, delivered, expected, received, receivedBytes, summary);
    }
}
