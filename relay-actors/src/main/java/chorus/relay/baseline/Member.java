package chorus.relay.baseline;

import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaSealer;
import chorus.protocol.media.ReplayWindow;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One member of a raw forwarder's room: its media key (an opener and a replay window per port for
 * what it sends, a sealer per port for what it is sent) and the address learned on each port.
 * Index 0 is the video port, 1 the audio port; each index is touched by that port's thread only.
 */
final class Member {
    final int mediaId;
    final MediaCipher[] openers = new MediaCipher[2];
    final ReplayWindow[] windows = {new ReplayWindow(), new ReplayWindow()};
    final MediaSealer[] sealers = new MediaSealer[2];
    final InetSocketAddress[] addresses = new InetSocketAddress[2];
    final List<Member> room;

    Member(int mediaId, byte[] key, List<Member> room) {
        this.mediaId = mediaId;
        for (int port = 0; port < 2; port++) {
            openers[port] = new MediaCipher(key);
            sealers[port] = new MediaSealer(key, port + 1, MediaCipher.RELAY_TO_CLIENT);
        }
        this.room = room;
    }
}
