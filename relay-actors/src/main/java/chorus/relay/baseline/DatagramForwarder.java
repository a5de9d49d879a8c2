package chorus.relay.baseline;

import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.relay.metrics.RelayStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * What the raw forwarder does with one datagram on one port, whatever sends it on: checks its
 * header, the sender's replay window and its AEAD tag (decrypting it), learns the sender's
 * address, answers a HELLO, and seals the media once per other member of the room with that
 * member's key, handing each sealed copy to {@link Sends}. One per port, used by that port's
 * thread only.
 */
final class DatagramForwarder {
    /** Where sealed datagrams go: sent at once, or gathered into whole-frame sends. */
    interface Sends {
        /** A signalling reply (the HELLO ack) to {@code to}; {@code sealed} is valid only during the call. */
        void signal(ByteBuffer sealed, InetSocketAddress to) throws IOException;

        /**
         * One member's copy of a media datagram; {@code frame} tells one sender's frames apart
         * (its stream and frame id), so consecutive copies of one frame to one receiver can go as one.
         * {@code sealed} is valid only during the call.
         */
        void media(ByteBuffer sealed, InetSocketAddress to, Member receiver, int sender, long frame) throws IOException;
    }

    private final int port;
    private final Map<Integer, Member> members;
    private final RelayStats stats;
    private final ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    private final ByteBuffer ack = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);

    /** @param port 0 for the video port, 1 for the audio port */
    DatagramForwarder(int port, Map<Integer, Member> members, RelayStats stats) {
        this.port = port;
        this.members = members;
        this.stats = stats;
    }

    /** Forwards the datagram in {@code datagram} (a heap buffer, from index 0, {@code length} bytes) that came from {@code from}. */
    void forward(ByteBuffer datagram, int length, InetSocketAddress from, Sends out) {
        DropReason problem = MediaHeader.validate(datagram, 0, length);
        Member sender = problem == null ? members.get(MediaHeader.mediaId(datagram, 0)) : null;
        long packetNumber = problem == null ? MediaHeader.packetNumber(datagram, 0) : 0;
        DropReason stale = sender == null ? null : sender.windows[port].check(packetNumber);
        if (sender == null || stale != null
                || !sender.openers[port].open(datagram, length, port + 1, MediaCipher.CLIENT_TO_RELAY, clear)) {
            stats.dropped(problem != null ? problem : stale != null ? stale : DropReason.BAD_TAG);
            return;
        }
        sender.windows[port].accept(packetNumber);
        MediaKind kind = MediaHeader.kind(clear, 0);
        stats.received(kind, length);
        sender.addresses[port] = from;
        try {
            if (kind == MediaKind.HELLO) {
                Fragmenter.encodeSignal(ack, MediaKind.HELLO, sender.mediaId, 0);
                out.signal(sender.sealers[port].seal(ack), from);
                return;
            }
            if (kind != MediaKind.VIDEO && kind != MediaKind.SCREEN && kind != MediaKind.AUDIO) {
                return;
            }
            // a sender's camera layers and screen number their frames apart: the stream is part of the key
            long frame = (long) (kind.ordinal() * 8 + MediaHeader.layer(clear, 0)) << 32
                    | (clear.getInt(MediaHeader.FRAME_ID_OFFSET) & 0xFFFF_FFFFL);
            for (Member m : sender.room) {
                InetSocketAddress to = m.addresses[port];
                if (m != sender && to != null) {
                    ByteBuffer sealed = m.sealers[port].seal(clear);
                    int sealedLength = sealed.limit();
                    out.media(sealed, to, m, sender.mediaId, frame);
                    stats.sent(kind, sealedLength);
                }
            }
        } catch (IOException e) {
            stats.sendFailed();
        }
    }
}
