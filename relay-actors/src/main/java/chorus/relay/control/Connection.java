package chorus.relay.control;

import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.media.SimulcastLayers;
import chorus.protocol.control.ControlProtocolException;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.control.Names;
import chorus.protocol.control.RosterPages;
import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaCipher;
import chorus.relay.access.Access;
import chorus.relay.access.AccessToken;
import chorus.relay.access.Grant;
import chorus.relay.access.TokenRefusedException;
import chorus.relay.cluster.ClusterPeers;
import chorus.relay.cluster.Drain;
import chorus.relay.config.RelayConfig;
import chorus.relay.files.FileAccess;
import chorus.relay.limits.RefusalNotice;
import chorus.relay.limits.TokenBucket;
import chorus.relay.media.MediaGateway;
import chorus.relay.media.MediaPort;
import chorus.relay.metrics.Limit;
import chorus.relay.room.Participant;
import chorus.relay.room.Rooms;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.util.ByteString;

/**
 * One client's control connection: decodes its frames, runs the hello/welcome handshake, spawns
 * the {@link Participant} once the hello is valid, relays room events to the client, and pings
 * it; a client that answers no ping within the keepalive timeout is removed. Bad frames get an
 * error with a stable code; the connection is closed only when the stream cannot be resynchronised
 * or the client cannot join.
 */
public final class Connection extends AbstractBehavior<Connection.Command> {

    public sealed interface Command {
    }

    /** Acknowledges a stream element so the next one is read (backpressure from the TCP stream). */
    public enum Ack {
        INSTANCE
    }

    record StreamInit(ActorRef<Ack> ackTo) implements Command {
    }

    record FrameIn(ActorRef<Ack> ackTo, ControlFraming.InFrame frame) implements Command {
    }

    enum StreamDone implements Command {
        INSTANCE
    }

    record StreamFailed(Throwable cause) implements Command {
    }

    /** The connection's own messages: its participant's events, timers. */
    private sealed interface Internal extends Command {
    }

    private record FromParticipant(Participant.Event event) implements Internal {
    }

    private enum ParticipantStopped implements Internal {
        INSTANCE
    }

    private enum PingTick implements Internal {
        INSTANCE
    }

    /** The client has not joined within the hello timeout. */
    private enum HelloTimeout implements Internal {
        INSTANCE
    }

    /** A frame began arriving and is not complete within the frame timeout. */
    private enum FrameTimeout implements Internal {
        INSTANCE
    }

    /** The socket did not finish closing in time after we asked; stop regardless. */
    private enum CloseTimeout implements Internal {
        INSTANCE
    }

    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
    private static final Duration RATE_LIMITED_TOLD_EVERY = Duration.ofSeconds(1);

    /** What the connection writes to the client's socket. */
    public sealed interface Outgoing {
    }

    public record Frame(ByteString bytes) implements Outgoing {
    }

    public enum Close implements Outgoing {
        INSTANCE
    }

    private final RelayConfig config;
    private final MediaGateway gateway;
    private final ActorRef<Rooms.Command> rooms;
    private final FileAccess fileAccess;
    /** Null for a node on its own: no resume tokens, no other nodes. */
    private final ClusterPeers peers;
    private long peersVersionSent = -1;
    private String fileToken;
    private final ActorRef<Outgoing> outbox;
    private final InetSocketAddress local;
    private final TimerScheduler<Command> timers;
    private ActorRef<Participant.Command> participant;
    private ParticipantInfo self;
    /** Who the hello joined as (the token's identity, name and grants). */
    private AccessToken access;
    private String room;
    private byte[] mediaKey;
    /** The codec of the mix this client gets (negotiated from its hello). */
    private int mixCodec = Codec.PCM16;
    private boolean welcomed;
    /** Room events that arrive before the welcome is sent; the client gets them right after it. */
    private final List<ControlMessage> beforeWelcome = new ArrayList<>();
    private boolean closing;
    private boolean streamDone;
    private long lastPongNanos;
    private long pingNonce;
    /** When the last frame (or a frame's first bytes) arrived, for the idle timeout. */
    private long lastReceivedNanos = System.nanoTime();
    private final TokenBucket chatRate;
    /** Chat messages refused by the rate limit, told at most once a second. */
    private final RefusalNotice chatRefused = new RefusalNotice(RATE_LIMITED_TOLD_EVERY.toNanos(), System.nanoTime());
    private final TokenBucket subscribeRate;
    /** Subscriptions refused by the rate limit, told at most once a second. */
    private final RefusalNotice subscribeRefused = new RefusalNotice(RATE_LIMITED_TOLD_EVERY.toNanos(),
            System.nanoTime());

    public static Behavior<Command> create(RelayConfig config, MediaGateway gateway, ActorRef<Rooms.Command> rooms,
                                           FileAccess fileAccess, ClusterPeers peers, ActorRef<Outgoing> outbox,
                                           InetSocketAddress local) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new Connection(ctx, timers, config, gateway, rooms, fileAccess, peers, outbox, local)));
    }

    private Connection(ActorContext<Command> ctx, TimerScheduler<Command> timers, RelayConfig config,
                       MediaGateway gateway, ActorRef<Rooms.Command> rooms, FileAccess fileAccess,
                       ClusterPeers peers, ActorRef<Outgoing> outbox, InetSocketAddress local) {
        super(ctx);
        this.peers = peers;
        this.fileAccess = fileAccess;
        this.timers = timers;
        this.config = config;
        this.gateway = gateway;
        this.rooms = rooms;
        this.outbox = outbox;
        this.local = local;
        this.chatRate = new TokenBucket(config.limits().chatRate(), config.limits().chatBurst(), System.nanoTime());
        this.subscribeRate = new TokenBucket(config.limits().subscribeRate(), config.limits().subscribeBurst(),
                System.nanoTime());
        timers.startSingleTimer(HelloTimeout.INSTANCE, config.control().helloTimeout());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(StreamInit.class, this::onStreamInit)
                .onMessage(FrameIn.class, this::onFrame)
                .onMessageEquals(StreamDone.INSTANCE, this::onStreamEnded)
                .onMessage(StreamFailed.class, f -> onStreamEnded())
                .onMessageEquals(CloseTimeout.INSTANCE, Behaviors::stopped)
                .onMessage(FromParticipant.class, this::onParticipantEvent)
                .onMessageEquals(ParticipantStopped.INSTANCE, this::onParticipantStopped)
                .onMessageEquals(PingTick.INSTANCE, this::onPingTick)
                .onMessageEquals(HelloTimeout.INSTANCE, this::onHelloTimeout)
                .onMessageEquals(FrameTimeout.INSTANCE, this::onFrameTimeout)
                .build();
    }

    private Behavior<Command> onStreamInit(StreamInit init) {
        init.ackTo().tell(Ack.INSTANCE);
        return this;
    }

    private Behavior<Command> onFrame(FrameIn in) {
        try {
            lastReceivedNanos = System.nanoTime();
            if (!closing) {
                handle(in.frame());
            }
        } finally {
            in.ackTo().tell(Ack.INSTANCE);
        }
        return this;
    }

    private Behavior<Command> onStreamEnded() {
        streamDone = true;
        shutdown("disconnected");
        return stopWhenDone();
    }

    /**
     * Stops once the participant has left (so the room hears the reason, not just "disconnected")
     * and the socket has closed (so the last frames, e.g. an error, reach the client first).
     */
    private Behavior<Command> stopWhenDone() {
        return participant == null && streamDone ? Behaviors.stopped() : this;
    }

    private void handle(ControlFraming.InFrame frame) {
        if (frame == ControlFraming.Started.INSTANCE) {
            timers.startSingleTimer(FrameTimeout.INSTANCE, config.limits().frameTimeout());
            return;
        }
        timers.cancel(FrameTimeout.INSTANCE);
        if (frame instanceof ControlFraming.Oversized o) {
            fail(ErrorCode.FRAME_TOO_LARGE, "frame length " + o.length() + " exceeds "
                    + ControlCodec.MAX_FRAME_BYTES + "; closing", "disconnected");
            return;
        }
        ControlMessage message;
        try {
            message = ControlCodec.decode(((ControlFraming.Body) frame).bytes());
        } catch (ControlProtocolException e) {
            send(e.toMessage()); // the frame was well delimited, so the stream is still in step
            return;
        }
        if (message instanceof ControlMessage.Hello hello) {
            onHello(hello);
        } else if (message instanceof ControlMessage.Ping ping) {
            send(new ControlMessage.Pong(ping.nonce()));
        } else if (message instanceof ControlMessage.Pong) {
            lastPongNanos = System.nanoTime();
        } else if (message instanceof ControlMessage.Leave) {
            shutdown("leave");
        } else if (participant == null && (message instanceof ControlMessage.ChatSend
                || message instanceof ControlMessage.ScreenShareStart || message instanceof ControlMessage.ScreenShareStop
                || message instanceof ControlMessage.Subscribe)) {
            send(ControlMessage.Error.of(ErrorCode.NOT_JOINED, "send a hello first"));
        } else if (message instanceof ControlMessage.ChatSend chat) {
            onChat(chat);
        } else if (message instanceof ControlMessage.ScreenShareStart) {
            if (!access.allows(Grant.PRESENT)) {
                send(ControlMessage.Error.of(ErrorCode.NOT_ALLOWED, "your access token does not allow presenting"));
                return;
            }
            participant.tell(new Participant.ShareScreen(true));
        } else if (message instanceof ControlMessage.ScreenShareStop) {
            participant.tell(new Participant.ShareScreen(false));
        } else if (message instanceof ControlMessage.Subscribe subscribe) {
            onSubscribe(subscribe);
        } else {
            send(ControlMessage.Error.of(ErrorCode.UNKNOWN_TYPE,
                    "'" + ControlCodec.typeName(message) + "' is not a message a client sends"));
        }
    }

    private void onChat(ControlMessage.ChatSend chat) {
        String text = chat.text();
        if (text == null || text.isBlank()) {
            send(ControlMessage.Error.of(ErrorCode.MALFORMED_FRAME, "a chat message needs some text"));
            return;
        }
        int characters = text.codePointCount(0, text.length());
        if (characters > config.chat().maxCharacters()) {
            send(ControlMessage.Error.of(ErrorCode.MESSAGE_TOO_LONG, "the message is " + characters
                    + " characters; at most " + config.chat().maxCharacters() + " are allowed; it was not sent"));
            return;
        }
        int bytes = chatFrameBytes(text);
        if (bytes > ControlCodec.MAX_FRAME_BYTES) {
            send(ControlMessage.Error.of(ErrorCode.MESSAGE_TOO_LONG, "the message would make a chat frame of " + bytes
                    + " bytes (a character outside the BMP, such as an emoji, takes 12, a control character 6); at most "
                    + ControlCodec.MAX_FRAME_BYTES + " fit; it was not sent"));
            return;
        }
        if (!chatRate.take(1, System.nanoTime())) {
            refuseChatOverRate();
            return;
        }
        participant.tell(new Participant.SendChat(text));
    }

    /** Rate-limited here; checked against the room by the room. */
    private void onSubscribe(ControlMessage.Subscribe subscribe) {
        if (subscribeRate.take(1, System.nanoTime())) {
            participant.tell(new Participant.Subscribe(subscribe));
            return;
        }
        gateway.stats().limitHit(Limit.SUBSCRIBE_RATE);
        long tell = subscribeRefused.refuse(System.nanoTime());
        if (tell > 0) {
            send(ControlMessage.Error.of(ErrorCode.RATE_LIMITED, "subscriptions are limited to "
                    + config.limits().subscribeRate() + " a second (bursts of " + config.limits().subscribeBurst()
                    + "); " + tell + " were not applied (the last one applied stays)"));
        }
    }

    /** Counted each time, told at most once a second ({@link RefusalNotice}). */
    private void refuseChatOverRate() {
        gateway.stats().limitHit(Limit.CHAT_RATE);
        long tell = chatRefused.refuse(System.nanoTime());
        if (tell > 0) {
            send(ControlMessage.Error.of(ErrorCode.RATE_LIMITED, "chat is limited to " + config.limits().chatRate()
                    + " messages a second (bursts of " + config.limits().chatBurst() + "); " + tell
                    + " message(s) were not sent"));
        }
    }

    /**
     * The bytes of the JSON body of the {@code chat} frame the room will send for {@code text}: this
     * sender's id and name, the message id and time at their longest, {@code history: false} (a
     * byte longer than true). A frame over the maximum could be sent to nobody, live or as
     * history, so such a message is refused here instead.
     */
    private int chatFrameBytes(String text) {
        return ControlCodec.toJson(new ControlMessage.ChatMessage(Long.MAX_VALUE, self.participantId(), self.name(),
                text, Long.MAX_VALUE, false)).length;
    }

    private void onHello(ControlMessage.Hello hello) {
        if (participant != null) {
            send(ControlMessage.Error.of(ErrorCode.ALREADY_JOINED, "this connection has already joined " + room));
            return;
        }
        if (hello.protocolVersion() != ControlMessage.PROTOCOL_VERSION) {
            fail(ErrorCode.UNSUPPORTED_VERSION, "protocol version " + hello.protocolVersion()
                    + " is not supported; this relay speaks " + ControlMessage.PROTOCOL_VERSION, null);
            return;
        }
        String roomProblem = Names.problem("room name", hello.room());
        if (roomProblem != null) {
            refuse(ErrorCode.INVALID_ROOM, roomProblem);
            return;
        }
        String layersProblem = SimulcastLayers.problem(hello.layers());
        if (layersProblem != null) {
            refuse(ErrorCode.INVALID_LAYERS, layersProblem);
            return;
        }
        try {
            // The token's name, not the hello's: a participant is named by whoever issued its token.
            access = Access.get(getContext().getSystem()).admit(hello.token(), hello.room(), hello.name());
        } catch (TokenRefusedException e) {
            refuse(e.code(), e.getMessage());
            return;
        }
        if (Drain.get(getContext().getSystem()).draining()) {
            fail(ErrorCode.SHUTTING_DOWN, "this relay is shutting down; connect to another node", null);
            return;
        }
        room = access.room();
        mediaKey = MediaCipher.newKey();
        mixCodec = AudioCodecs.mixFor(hello);
        self = new ParticipantInfo(participantId(hello), access.name(), gateway.nextMediaId(),
                hello.layers() == null ? null : List.copyOf(hello.layers()));
        ActorRef<Participant.Event> events = getContext().messageAdapter(Participant.Event.class, FromParticipant::new);
        fileToken = FileAccess.newToken();
        participant = getContext().spawn(
                Participant.create(self, room, mediaKey, fileToken, events, rooms, gateway, fileAccess, access,
                        mixCodec),
                "participant-" + self.mediaId());
        getContext().watchWith(participant, ParticipantStopped.INSTANCE);
    }

    /** A hello that may not join: counted by its code, answered, closed. */
    private void refuse(ErrorCode code, String message) {
        gateway.stats().joinRefused(code);
        getContext().getLog().info("join refused ({}): {}", code.wire(), message);
        fail(code, message, null);
    }

    /**
     * A new id, or (clustered) the id of an earlier welcome when the hello resumes it with a valid
     * token: then the room takes it back without anyone seeing it leave. A resume that does not
     * verify joins afresh, as a relay on its own always does.
     */
    private String participantId(ControlMessage.Hello hello) {
        ControlMessage.Resume resume = hello.resume();
        if (resume != null && peers != null) {
            if (peers.validResume(resume.participantId(), room, resume.token())) {
                getContext().getLog().info("resume room={} name={} id={}", room, access.name(),
                        resume.participantId());
                return resume.participantId();
            }
            getContext().getLog().info("room={} name={}: resume token does not verify; joining afresh",
                    room, access.name());
        }
        return UUID.randomUUID().toString();
    }

    private Behavior<Command> onParticipantEvent(FromParticipant from) {
        if (from.event() instanceof Participant.Welcomed w) {
                // The version is read before the endpoints: a change between the two is sent again.
                peersVersionSent = peers == null ? -1 : peers.version();
                String host = config.listen().advertisedHost().isEmpty()
                        ? local.getAddress().getHostAddress() : config.listen().advertisedHost();
                send(new ControlMessage.Welcome(ControlMessage.PROTOCOL_VERSION, self.participantId(),
                        self.mediaId(), Base64.getEncoder().encodeToString(mediaKey),
                        new ControlMessage.MediaEndpoints(host, gateway.port(MediaPort.VIDEO),
                                gateway.port(MediaPort.AUDIO)),
                        room, w.roster().size(), config.keepalive().pingInterval().toMillis(), config.keepalive().timeout().toMillis(),
                        new ControlMessage.FileService(fileAccess.port(), fileToken),
                        peers == null ? null : peers.resumeToken(self.participantId(), room),
                        peers == null ? List.of() : peers.controlEndpoints(), Codec.name(mixCodec)));
                // The roster in pages, before anything else: the joined and left news that waited
                // (and all that follows) are changes to the roster the pages hold.
                RosterPages.of(w.roster()).forEach(this::send);
                welcomed = true;
                beforeWelcome.forEach(this::send);
                beforeWelcome.clear();
                lastPongNanos = System.nanoTime();
                timers.startTimerAtFixedRate(PingTick.INSTANCE, config.keepalive().pingInterval());
        } else if (from.event() instanceof Participant.Replaced) {
            fail(ErrorCode.REPLACED, "you joined room " + room + " again with the same identity elsewhere;"
                    + " this connection is closed", "replaced");
        } else if (from.event() instanceof Participant.Refused r) {
            if (r.code() == ErrorCode.ROOM_FULL) {
                gateway.stats().limitHit(Limit.ROOM_SIZE);
            }
            fail(r.code(), r.message(), null);
        } else if (from.event() instanceof Participant.Notified n) {
            // In a cluster a node's part of the room may pass on an event before the join is
            // confirmed; the welcome must still come first.
            if (welcomed) {
                send(n.message());
            } else {
                beforeWelcome.add(n.message());
            }
        }
        return this;
    }

    /** Not joined in time (nothing sent, a frame dripping in, or only other messages): closed. */
    private Behavior<Command> onHelloTimeout() {
        if (participant == null && !closing) {
            gateway.stats().limitHit(Limit.HELLO_TIMEOUT);
            fail(ErrorCode.HELLO_TIMEOUT, "no hello within " + config.control().helloTimeout().toMillis()
                    + " ms of connecting; closing", null);
        }
        return this;
    }

    /** A frame dripping in (a slowloris): its bytes started and did not complete in time. */
    private Behavior<Command> onFrameTimeout() {
        if (!closing) {
            gateway.stats().limitHit(Limit.FRAME_TIMEOUT);
            fail(ErrorCode.IDLE_TIMEOUT, "a frame begun " + config.limits().frameTimeout().toMillis()
                    + " ms ago is still incomplete; closing", null);
        }
        return this;
    }

    private Behavior<Command> onPingTick() {
        if (!welcomed || closing) {
            return this;
        }
        Duration idle = Duration.ofNanos(System.nanoTime() - lastReceivedNanos);
        if (idle.compareTo(config.limits().controlIdleTimeout()) > 0) {
            gateway.stats().limitHit(Limit.CONTROL_IDLE);
            fail(ErrorCode.IDLE_TIMEOUT, "nothing received for " + idle.toMillis() + " ms; closing", "timeout");
            return this;
        }
        Duration silent = Duration.ofNanos(System.nanoTime() - lastPongNanos);
        if (silent.compareTo(config.keepalive().timeout()) > 0) {
            fail(ErrorCode.KEEPALIVE_TIMEOUT, "no pong for " + silent.toMillis() + " ms; closing", "timeout");
            return this;
        }
        send(new ControlMessage.Ping(++pingNonce));
        if (peers != null && peers.version() != peersVersionSent) {
            peersVersionSent = peers.version();
            send(new ControlMessage.Nodes(peers.controlEndpoints()));
        }
        return this;
    }

    private void fail(ErrorCode code, String message, String leaveReason) {
        send(ControlMessage.Error.of(code, message));
        shutdown(leaveReason == null ? "disconnected" : leaveReason);
    }

    /** Leaves the room (if joined) with {@code reason} and closes the socket. */
    private void shutdown(String reason) {
        if (closing) {
            return;
        }
        closing = true;
        timers.cancelAll();
        timers.startSingleTimer(CloseTimeout.INSTANCE, CLOSE_GRACE);
        outbox.tell(Close.INSTANCE);
        if (participant != null) {
            participant.tell(new Participant.Leave(reason));
        }
    }

    private Behavior<Command> onParticipantStopped() {
        participant = null;
        if (!closing) {
            // The participant failed: tell the client, then close.
            send(ControlMessage.Error.of(ErrorCode.INTERNAL, "the relay lost this participant; please rejoin"));
            shutdown("disconnected");
        }
        return stopWhenDone();
    }

    private void send(ControlMessage message) {
        outbox.tell(new Frame(ByteString.fromArrayUnsafe(ControlCodec.encodeFrame(message))));
    }
}
