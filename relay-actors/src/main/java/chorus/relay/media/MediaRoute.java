package chorus.relay.media;

import chorus.protocol.media.MediaAuthenticator;
import chorus.protocol.media.Reassembler;
import chorus.relay.metrics.RelayStats;
import chorus.relay.mixer.Mixer;
import chorus.relay.room.Participant;
import java.net.InetSocketAddress;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the UDP threads need to handle one participant's datagrams without an actor message per
 * datagram: its key, and snapshots its actors publish — the learned addresses (written by the
 * Participant), the room's fan-out (written by the Room) and the mixer (written on join). The
 * actors own that state; this is a read-only view for the gateway. The per-port fields are
 * touched only by that port's receive thread.
 */
public final class MediaRoute {
    /**
     * Who is in the room, where their video goes, and who may send screen (the presenter's media
     * id, or the relay's id 0 for nobody); immutable, replaced whole on every change.
     */
    public record RoomFanout(int[] mediaIds, InetSocketAddress[] video, int presenter, Peer[] peers) {
        static final Peer[] NO_PEERS = new Peer[0];
        static final RoomFanout EMPTY = new RoomFanout(new int[0], new InetSocketAddress[0], 0, NO_PEERS);

        public RoomFanout(int[] mediaIds, InetSocketAddress[] video, int presenter) {
            this(mediaIds, video, presenter, NO_PEERS);
        }
    }

    /**
     * Another relay node with members in the room: its media sockets, where this node's talkers'
     * audio and senders' video go once per node, and its traffic counters.
     */
    public record Peer(InetSocketAddress video, InetSocketAddress audio, RelayStats.PeerTraffic traffic) {
    }

    /**
     * A member of a room connected to another node, as seen here: media with its id comes from
     * that node (trusted by the peer's source address, the datagram unchanged) and goes to this
     * node's members in the room and, for audio, into this node's mixer.
     */
    public static final class Remote {
        final int mediaId;
        final Reassembler audio;
        volatile RoomFanout room = RoomFanout.EMPTY;
        volatile ActorRef<Mixer.Command> mixer;

        Remote(int mediaId, ActorRef<Mixer.Command> mixer, Reassembler.DropListener drops) {
            this.mediaId = mediaId;
            this.mixer = mixer;
            this.audio = Reassembler.forAudio(drops);
        }
    }

    final int mediaId;
    final ActorRef<Participant.Command> participant;
    final MediaAuthenticator[] authenticators = new MediaAuthenticator[MediaPort.values().length];
    final NewestSequences newestSequences = new NewestSequences();
    /** The address last reported to the participant per port, so a move is reported once. */
    final InetSocketAddress[] reported = new InetSocketAddress[MediaPort.values().length];
    final Reassembler audio;
    long ackSequence;

    private volatile InetSocketAddress videoAddress;
    private volatile InetSocketAddress audioAddress;
    private volatile InetSocketAddress videoRouted;
    private volatile InetSocketAddress audioRouted;
    public volatile RoomFanout room = RoomFanout.EMPTY;
    volatile ActorRef<Mixer.Command> mixer;
    /** What its access token grants: audio is mixed, video forwarded, only when true. */
    volatile boolean publishAudio = true;
    volatile boolean publishVideo = true;

    /** Set from its access token's grants, before its welcome. */
    public void mayPublish(boolean audio, boolean video) {
        this.publishAudio = audio;
        this.publishVideo = video;
    }

    /** The mixer this participant's audio goes to, once it has joined a room (else null). */
    public ActorRef<Mixer.Command> mixer() {
        return mixer;
    }

    /** The mixer this participant's audio goes to, once it has joined a room. */
    public void mixer(ActorRef<Mixer.Command> mixer) {
        this.mixer = mixer;
    }

    MediaRoute(int mediaId, byte[] key, ActorRef<Participant.Command> participant, Reassembler.DropListener drops) {
        this.mediaId = mediaId;
        this.participant = participant;
        this.audio = Reassembler.forAudio(drops);
        for (int i = 0; i < authenticators.length; i++) {
            authenticators[i] = new MediaAuthenticator(key);
        }
    }

    public InetSocketAddress address(MediaPort port) {
        return port == MediaPort.VIDEO ? videoAddress : audioAddress;
    }

    /** The address the room routes this participant's media to, once it has taken it in. */
    InetSocketAddress routed(MediaPort port) {
        return port == MediaPort.VIDEO ? videoRouted : audioRouted;
    }

    public void routedTo(MediaPort port, InetSocketAddress address) {
        if (port == MediaPort.VIDEO) {
            videoRouted = address;
        } else {
            audioRouted = address;
        }
    }

    public void publishAddress(MediaPort port, InetSocketAddress address) {
        if (port == MediaPort.VIDEO) {
            videoAddress = address;
        } else {
            audioAddress = address;
        }
    }
}
