package chorus.client.session;

import chorus.client.media.DropCounts;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaAuthenticator;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hello/keepalive state of one media socket: a hello every tick until the relay's signed echo
 * arrives (or the tries run out), then a keepalive every second.
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
    private final ByteBuffer packet = ByteBuffer.allocateDirect(MediaHeader.MIN_DATAGRAM);
    private final MediaAuthenticator signer;
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
    MediaSignalling(String what, InetSocketAddress relay, int mediaId, byte[] key, Fragmenter.PacketSink out,
                    DropCounts drops, Runnable onAcked, Consumer<String> onProblem) {
        this.what = what;
        this.relay = relay;
        this.mediaId = mediaId;
        this.out = out;
        this.drops = drops;
        this.onAcked = onAcked;
        this.onProblem = onProblem;
        this.signer = new MediaAuthenticator(key);
    }

    boolean acked() {
        return acked;
    }

    /** Every {@link MediaSession#SIGNAL_TICK_MILLIS}, on the media clock. */
    void tick() {
        if (acked || gaveUp) {
            if (++ticksSinceKeepalive >= MediaSession.KEEPALIVE_EVERY_TICKS) {
                ticksSinceKeepalive = 0;
                signal(MediaKind.KEEPALIVE);
            }
            return;
        }
        if (tries >= MediaSession.HELLO_MAX_TRIES) {
            gaveUp = true;
            String problem = "relay at " + relay + " did not acknowledge the " + what + " hello after "
                    + MediaSession.HELLO_MAX_TRIES + " tries; " + what + " may not reach this client";
            log.warn(problem);
            onProblem.accept(problem);
            return;
        }
        tries++;
        signal(MediaKind.HELLO);
    }

    private void signal(MediaKind kind) {
        Fragmenter.encodeSignal(packet, kind, mediaId, sequence++ & 0xFFFF_FFFFL, signer);
        out.accept(packet);
    }

    /** A hello from the relay: the acknowledgement, valid only when signed with our key. */
    void onAck(ByteBuffer datagram, MediaAuthenticator verifier) {
        if (!verifier.verify(datagram, 0, MediaHeader.signedLength(datagram, 0))) {
            drops.add(DropReason.BAD_TAG);
            return;
        }
        if (acked) {
            return;
        }
        acked = true;
        log.debug("relay acknowledged the {} hello", what);
        onAcked.run();
    }
}
