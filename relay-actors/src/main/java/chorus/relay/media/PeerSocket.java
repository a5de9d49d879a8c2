package chorus.relay.media;

import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.ReplayWindow;
import chorus.relay.metrics.RelayStats;

/**
 * A peer node's media socket as this node receives from it: that node's key (derived from the
 * cluster secret and its address), a replay window, its traffic counters. Read by the receive
 * thread of the port the socket sends to.
 */
final class PeerSocket {
    final MediaCipher opener;
    final ReplayWindow window = new ReplayWindow();
    final RelayStats.PeerTraffic traffic;

    PeerSocket(byte[] key, RelayStats.PeerTraffic traffic) {
        this.opener = new MediaCipher(key);
        this.traffic = traffic;
    }
}
