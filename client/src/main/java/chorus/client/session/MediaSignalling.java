package chorus.client.session;

import chorus.client.media.DropCounts;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hello/keepalive state of one media socket: a hello every tick until the relay's echo
 * arrives, then a keepalive every second; if the tries run out first (a relay too busy to answer,
 * or its answers lost), a hello every second instead, which the relay still acknowledges once it
 * routes this socket; and the answer to each of the relay's challenges, sent from this socket with
 * the challenge's cookie (return routability).
 */
final class MediaSignalling {
    private static final Logger log = LoggerFactory.getLogger(MediaSignalling.class);

    private final String what;
    private final InetSocketAddress relay;
    private final int mediaId;
    private final Fragmenter.PacketSink out;
    private final DropCounts drops;
    private final Runnable onAcked;
    private final Consumer<String> onProblem;
    private final ByteBuffer packet = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    private final ByteBuffer response = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    // media clock thread only
    private long sequence;
    private int tries;
    private int ticksSinceKeepalive;
    private boolean gaveUp;
    // set on the receive thread
    private volatile boolean acked;

    /**
     * @param what      the socket, in words ("video", "audio")
     * @param out       sends a datagram to {@code relay} from this socket
     * @param onAcked   called once, on the receive thread, when the relay acknowledged the hello
     * @param onProblem told when the relay never acknowledged it
     */
    MediaSignalling(String what, InetSocketAddress relay, int mediaId, Fragmenter.PacketSink out,
                    DropCounts drops, Runnable onAcked, Consumer<String> onProblem) {
        this.what = what;
        this.relay = relay;
        this.mediaId = mediaId;
        this.out = out;
        this.drops = drops;
        this.onAcked = onAcked;
        this.onProblem = onProblem;
    }

    boolean acked() {
        return acked;
    }

    /** Every {@link MediaSession#SIGNAL_TICK_MILLIS}, on the media clock. */
    void tick() {
        if (acked || gaveUp) {
            if (++ticksSinceKeepalive >= MediaSession.KEEPALIVE_EVERY_TICKS) {
                ticksSinceKeepalive = 0;
                signal(acked ? MediaKind.KEEPALIVE : MediaKind.HELLO); // a hello keeps the address fresh too
            }
            return;
        }
        if (tries >= MediaSession.HELLO_MAX_TRIES) {
            gaveUp = true;
            String problem = "relay at " + relay + " did not acknowledge the " + what + " hello after "
                    + MediaSession.HELLO_MAX_TRIES + " tries; " + what + " may not reach this client (still asking once a second)";
            log.warn(problem);
            onProblem.accept(problem);
            return;
        }
        tries++;
        signal(MediaKind.HELLO);
    }

    private void signal(MediaKind kind) {
        Fragmenter.encodeSignal(packet, kind, mediaId, sequence++ & 0xFFFF_FFFFL);
        out.accept(packet);
    }

    /** A challenge from the relay (it opened with our key): answered at once from this socket. */
    void onChallenge(ByteBuffer clear) {
        if (MediaHeader.payloadLength(clear, 0) != Fragmenter.COOKIE_LENGTH) {
            drops.add(DropReason.BAD_LENGTH);
            return;
        }
        // The receive thread's own buffer: the media clock may be signalling at the same time.
        Fragmenter.encodeCookie(response, MediaKind.RESPONSE, mediaId, 0, Fragmenter.cookie(clear));
        out.accept(response);
    }

    /** A hello from the relay (it opened with our key): the acknowledgement. */
    void onAck() {
        if (acked) {
            return;
        }
        acked = true;
        log.debug("relay acknowledged the {} hello", what);
        onAcked.run();
    }
}
