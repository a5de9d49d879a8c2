package chorus.relay.media;

import chorus.protocol.media.Codec;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.MediaSealer;
import chorus.protocol.media.Reassembler;
import chorus.protocol.media.ReplayWindow;
import chorus.relay.config.MediaConfig;
import chorus.relay.limits.TokenBucket;
import chorus.relay.metrics.RelayStats;
import chorus.relay.mixer.Mixer;
import chorus.relay.room.Participant;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the UDP threads need to handle one participant's datagrams without an actor message per
 * datagram: its key (an opener, a replay window, a rate limit and the return-routability state
 * per port, touched by a receive thread while it holds this route's lock; a sealer per port for
 * what the relay sends it, locked by whoever sends), and snapshots its actors publish — the
 * learned addresses (written by the Participant), the room's state and its video's fan-out
 * (written by the Room) and the mixer (written on join). The actors own that state; this is a
 * read-only view for the gateway.
 */
public final class MediaRoute {
    /**
     * What every sender of a room shares: who may send screen (the presenter's media id, or the
     * relay's id 0 for nobody) and the other nodes with members in the room (where its audio goes,
     * once per node). Where its video goes is its own {@link SenderFanout}. Immutable, replaced
     * whole on every change.
     */
    public record RoomState(int presenter, Peer[] peers) {
        static final Peer[] NO_PEERS = new Peer[0];
        static final RoomState EMPTY = new RoomState(0, NO_PEERS);
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
        /** Its video and screen as this node forwards them to members here (and keeps them for their NACKs). */
        final VideoSender video;
        /** Its video and screen datagrams that arrived from its node (a peer counter: none while nobody here subscribes). */
        final AtomicLong videoDatagramsIn = new AtomicLong();
        volatile RoomState room = RoomState.EMPTY;
        volatile ActorRef<Mixer.Command> mixer;
        /** Its node's video socket (from the roster, then where its video last came from): where keyframe requests for it go. */
        volatile InetSocketAddress node;

        Remote(int mediaId, ActorRef<Mixer.Command> mixer, InetSocketAddress node, Reassembler.DropListener drops,
               MediaConfig.Recovery recovery) {
            this.mediaId = mediaId;
            this.mixer = mixer;
            this.node = node;
            this.audio = Reassembler.forAudio(drops);
            this.video = new VideoSender(mediaId, recovery);
        }
    }

    final int mediaId;
    final ActorRef<Participant.Command> participant;
    private static final int PORTS = MediaPort.values().length;
    final MediaCipher[] openers = new MediaCipher[PORTS];
    final ReplayWindow[] windows = new ReplayWindow[PORTS];
    /** Relay to client, one packet counter per port; hold the sealer's lock to seal and send. */
    final MediaSealer[] sealers = new MediaSealer[PORTS];
    final TokenBucket[] buckets = new TokenBucket[PORTS];
    /** The address that answered the last challenge per port (reported to the participant once). */
    final InetSocketAddress[] confirmed = new InetSocketAddress[PORTS];
    /** The address challenged last per port, its cookie and when (return routability). */
    final InetSocketAddress[] challenged = new InetSocketAddress[PORTS];
    final long[] cookies = new long[PORTS];
    final long[] challengedAtNanos = new long[PORTS];
    final long[] challengeSecond = new long[PORTS];
    final int[] challengesThisSecond = new int[PORTS];
    final long[] rateLimitToldNanos = new long[PORTS];
    final long[] ackSequences = new long[PORTS];
    final Reassembler audio;
    /**
     * Complete audio frames a second that go to the mixer (one a message): twice the 50 a talker
     * sends, so that a sender of tiny Opus packets cannot turn its byte allowance into thousands of
     * mixer messages a second.
     */
    final TokenBucket audioFrames;
    static final int AUDIO_FRAMES_PER_SECOND = 100;
    /** Its video and screen as the relay forwards them, and keeps them for NACKs. */
    final VideoSender video;
    /**
     * What this participant was forwarded of each sender, by sender media id: datagrams per camera
     * layer and of the screen ({@link LayerSwitches#SLOTS}), written by the sender's receive thread (one writer per sender, under its video's lock).
     */
    final ConcurrentHashMap<Integer, AtomicLongArray> forwardedFrom = new ConcurrentHashMap<>();
    /** Its NACKs and keyframe requests (under this route's lock). */
    final TokenBucket nacks;
    final TokenBucket keyframeRequests;

    private volatile InetSocketAddress videoAddress;
    private volatile InetSocketAddress audioAddress;
    private volatile InetSocketAddress videoRouted;
    private volatile InetSocketAddress audioRouted;
    public volatile RoomState room = RoomState.EMPTY;
    volatile ActorRef<Mixer.Command> mixer;
    /** What its access token grants: audio is mixed, video forwarded, only when true. */
    volatile boolean publishAudio = true;
    volatile boolean publishVideo = true;

    /** The codec of the mix it takes, negotiated at hello (PCM for a client that names none). */
    private volatile int mixCodec = Codec.PCM16;

    public int mixCodec() {
        return mixCodec;
    }

    /** Set from its hello, before its welcome. */
    public void mixCodec(int codec) {
        this.mixCodec = codec;
    }

    /** Set from its access token's grants, before its welcome. */
    public void mayPublish(boolean audio, boolean video) {
        this.publishAudio = audio;
        this.publishVideo = video;
    }

    /** Whether its token grants publishing {@code kind} (only audio and video need a grant); a refusal is counted. */
    boolean publishes(MediaKind kind, RelayStats stats) {
        boolean granted = kind == MediaKind.VIDEO ? publishVideo : kind != MediaKind.AUDIO || publishAudio;
        if (!granted) {
            stats.dropped(DropReason.NOT_ALLOWED);
        }
        return granted;
    }

    /** The mixer this participant's audio goes to, once it has joined a room (else null). */
    public ActorRef<Mixer.Command> mixer() {
        return mixer;
    }

    /** The mixer this participant's audio goes to, once it has joined a room. */
    public void mixer(ActorRef<Mixer.Command> mixer) {
        this.mixer = mixer;
    }

    MediaRoute(int mediaId, byte[] key, ActorRef<Participant.Command> participant, Reassembler.DropListener drops,
               MediaConfig.Limits limits, MediaConfig.Recovery recovery) {
        this.mediaId = mediaId;
        this.participant = participant;
        this.audio = Reassembler.forAudio(drops);
        this.video = new VideoSender(mediaId, recovery);
        long now = System.nanoTime();
        this.audioFrames = new TokenBucket(AUDIO_FRAMES_PER_SECOND, AUDIO_FRAMES_PER_SECOND, now);
        this.nacks = new TokenBucket(limits.nackRate(), limits.nackBurst(), now);
        this.keyframeRequests = new TokenBucket(limits.keyframeRequestRate(), limits.keyframeRequestBurst(), now);
        for (MediaPort port : MediaPort.values()) {
            int p = port.ordinal();
            openers[p] = new MediaCipher(key);
            windows[p] = new ReplayWindow();
            sealers[p] = new MediaSealer(key, port.channel(), MediaCipher.RELAY_TO_CLIENT);
            buckets[p] = port == MediaPort.VIDEO
                    ? new TokenBucket(limits.videoBytesPerSecond(), limits.videoBurstBytes(), now)
                    : new TokenBucket(limits.audioBytesPerSecond(), limits.audioBurstBytes(), now);
            rateLimitToldNanos[p] = now - 2_000_000_000L;
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
