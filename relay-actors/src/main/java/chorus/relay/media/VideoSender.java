package chorus.relay.media;

import chorus.relay.config.MediaConfig;

/**
 * One sender's camera and screen as this node forwards them, whether the sender is connected here
 * or to a peer node: where its room's subscriptions send it ({@link SenderFanout}, published by
 * the Room), which layer each receiver is on ({@link LayerSwitches}) and what was forwarded, kept
 * for NACKs ({@link ForwardedStreams}). All but {@link #fanout} is touched under this object's lock (the
 * sender's receive thread, or another's answering a NACK).
 */
final class VideoSender {
    final int mediaId;
    final ForwardedStreams forwarded;
    final LayerSwitches switches;
    volatile SenderFanout fanout = SenderFanout.EMPTY;

    VideoSender(int mediaId, MediaConfig.Recovery recovery) {
        this.mediaId = mediaId;
        this.forwarded = new ForwardedStreams(recovery);
        this.switches = new LayerSwitches(mediaId);
    }
}
