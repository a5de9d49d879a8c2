package chorus.relay.control;

import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ErrorCode;
import chorus.relay.cluster.ClusterPeers;
import chorus.relay.config.RelayConfig;
import chorus.relay.files.FileAccess;
import chorus.relay.media.MediaGateway;
import chorus.relay.metrics.Limit;
import chorus.relay.metrics.RelayStats;
import chorus.relay.room.Rooms;
import chorus.relay.tls.RelayTls;
import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * Listens on the control port (Pekko Streams TCP, and TLS unless the relay runs in plain text) and
 * gives each accepted socket a {@link Connection} actor: bytes in are framed and fed to it with
 * backpressure, frames out come from a bounded queue it writes to. When accepts fail (file descriptors exhausted) it stops
 * listening for a growing interval, as Netty and Tomcat pause on EMFILE, and reports the failures
 * with their count at most every {@link #REPORT_EVERY}. A connection over the limits of
 * {@code chorus.relay.limits} (per source address, in all) is sent {@code too-many-connections}
 * and closed at once, before any actor is made for it.
 */
public final class ControlServer extends AbstractBehavior<ControlServer.Command> {

    public sealed interface Command {
    }

    /** Everything the server receives is its own: the binding, accepted sockets, accept failures. */
    private sealed interface Internal extends Command {
    }

    private record Accepted(Tcp.IncomingConnection connection) implements Internal {
    }

    private record Bound(Tcp.ServerBinding binding) implements Internal {
    }

    private record BindFailed(Throwable cause) implements Internal {
    }

    private record AcceptsFailed(AcceptErrorFilter.Failures failures) implements Internal {
    }

    private enum Resume implements Internal {
        INSTANCE
    }

    /** A connection's actor stopped: its socket is closed. */
    private record Closed(InetAddress from) implements Internal {
    }

    /** The first pause after failed accepts; each further one in a row doubles, up to {@link #MAX_PAUSE}. */
    static final Duration MIN_PAUSE = Duration.ofMillis(100);
    static final Duration MAX_PAUSE = Duration.ofSeconds(2);
    static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    private final RelayConfig config;
    private final MediaGateway gateway;
    private final ActorRef<Rooms.Command> rooms;
    private final FileAccess fileAccess;
    /** Null for a node on its own. */
    private final ClusterPeers peers;
    /** Null when the control port speaks plain text. */
    private final RelayTls tls;
    private final CompletableFuture<InetSocketAddress> bound;
    private final TimerScheduler<Command> timers;
    private final UnixOperatingSystemMXBean os;
    private long connections;
    /** Open connections by source address, and in all. */
    private final Map<InetAddress, Integer> open = new HashMap<>();
    private int openTotal;
    /** Where to listen: the configured address, then the bound one (its port fixed if it was 0). */
    private InetSocketAddress address;
    /** Null while binding or paused. */
    private Tcp.ServerBinding binding;
    private boolean paused;
    private Duration pause = MIN_PAUSE;
    private long failedSinceReport;
    private long failedSinceAccepted;
    private long lastReportNanos;

    public static Behavior<Command> create(RelayConfig config, MediaGateway gateway, ActorRef<Rooms.Command> rooms,
                                           FileAccess fileAccess, ClusterPeers peers, RelayTls tls,
                                           CompletableFuture<InetSocketAddress> bound) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new ControlServer(ctx, timers, config, gateway, rooms, fileAccess, peers, tls, bound)));
    }

    private ControlServer(ActorContext<Command> ctx, TimerScheduler<Command> timers, RelayConfig config,
                          MediaGateway gateway, ActorRef<Rooms.Command> rooms, FileAccess fileAccess,
                          ClusterPeers peers, RelayTls tls, CompletableFuture<InetSocketAddress> bound) {
        super(ctx);
        this.tls = tls;
        this.timers = timers;
        // Looked up now: at the limit, even loading what a lookup needs may take a descriptor.
        this.os = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix ? unix : null;
        this.peers = peers;
        this.fileAccess = fileAccess;
        this.config = config;
        this.gateway = gateway;
        this.rooms = rooms;
        this.bound = bound;
        ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(AcceptErrorFilter.Failures.class,
                ctx.messageAdapter(AcceptErrorFilter.Failures.class, AcceptsFailed::new)));
        address = InetSocketAddress.createUnresolved(config.listen().host(), config.listen().controlPort());
        lastReportNanos = System.nanoTime() - REPORT_EVERY.toNanos();
        bind();
    }

    private void bind() {
        ActorRef<Command> self = getContext().getSelf();
        var bindings = Tcp.get(getContext().getSystem())
                .bind(address.getHostString(), address.getPort())
                .to(Sink.foreach(c -> self.tell(new Accepted(c))))
                .run(getContext().getSystem());
        getContext().pipeToSelf(bindings, (b, error) -> b != null ? new Bound(b) : new BindFailed(error));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Bound.class, this::onBound)
                .onMessage(BindFailed.class, this::onBindFailed)
                .onMessage(AcceptsFailed.class, this::onAcceptsFailed)
                .onMessageEquals(Resume.INSTANCE, this::onResume)
                .onMessage(Accepted.class, this::onAccepted)
                .onMessage(Closed.class, this::onClosed)
                .build();
    }

    /** The most frame bytes one socket write takes when frames queue up behind a busy socket. */
    static final long WRITE_BATCH_BYTES = 64 * 1024;

    private Behavior<Command> onBound(Bound b) {
        binding = b.binding();
        address = binding.localAddress();
        bound.complete(address);
        return this;
    }

    private Behavior<Command> onBindFailed(BindFailed f) {
        if (!bound.isDone()) {
            bound.completeExceptionally(f.cause());
            return Behaviors.stopped();
        }
        // Listening again after a pause failed: no descriptor for the socket, or the port taken meanwhile.
        failed(1);
        pauseAccepting();
        return this;
    }

    /**
     * Accepts failed on one of this node's TCP ports: its file descriptors are exhausted, so the
     * control port stops listening for a while instead of failing again at once. Connections
     * attempted meanwhile are refused, and clients retry.
     */
    private Behavior<Command> onAcceptsFailed(AcceptsFailed event) {
        long count = event.failures().take();
        if (count == 0 || !bound.isDone()) {
            return this; // taken already, or at startup, where a failed bind fails the start anyway
        }
        failed(count);
        if (binding != null) {
            binding.unbind();
            binding = null;
            pauseAccepting();
        } else {
            report();
        }
        return this;
    }

    private void failed(long count) {
        failedSinceReport += count;
        failedSinceAccepted += count;
    }

    private void pauseAccepting() {
        paused = true;
        timers.startSingleTimer(Resume.INSTANCE, pause);
        report();
        pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
    }

    private Behavior<Command> onResume() {
        paused = false;
        bind();
        return this;
    }

    /** A line now and then, with the count, rather than one (with a stack trace) per failure. */
    private void report() {
        long now = System.nanoTime();
        if (failedSinceReport == 0 || now - lastReportNanos < REPORT_EVERY.toNanos()) {
            return;
        }
        getContext().getLog().warn("control port {}: {} failed accepts on this node's TCP ports (out of file "
                        + "descriptors? the limit is {}); {}", where(), failedSinceReport,
                os == null ? "unknown" : os.getMaxFileDescriptorCount(),
                paused ? "not listening for " + pause.toMillis() + " ms" : "listening");
        failedSinceReport = 0;
        lastReportNanos = now;
    }

    private String where() {
        return address.getHostString() + ":" + address.getPort();
    }

    private Behavior<Command> onAccepted(Accepted accepted) {
        if (failedSinceAccepted > 0) {
            getContext().getLog().info("control port {}: accepting connections again, after {} failed accepts",
                    where(), failedSinceAccepted);
            failedSinceAccepted = 0;
            failedSinceReport = 0;
            pause = MIN_PAUSE;
        }
        Tcp.IncomingConnection tcp = accepted.connection();
        InetAddress from = tcp.remoteAddress().getAddress();
        if (refusedOverLimits(tcp, from)) {
            return this;
        }
        Pair<ActorRef<Connection.Outgoing>, Source<Connection.Outgoing, NotUsed>> outbox =
                ActorSource.<Connection.Outgoing>actorRef(
                                o -> o == Connection.Close.INSTANCE,
                                o -> Optional.empty(),
                                config.control().outboxFrames(),
                                OverflowStrategy.fail())
                        .preMaterialize(getContext().getSystem());
        ActorRef<Connection.Command> connection = getContext().spawn(
                Connection.create(config, gateway, rooms, fileAccess, peers, outbox.first(), tcp.localAddress()),
                "connection-" + (++connections));
        open.merge(from, 1, Integer::sum);
        openTotal++;
        gateway.stats().controlConnections(openTotal);
        getContext().watchWith(connection, new Closed(from));

        Sink<ByteString, NotUsed> in = ControlFraming.decoder().to(ActorSink.actorRefWithBackpressure(
                connection,
                Connection.FrameIn::new,
                Connection.StreamInit::new,
                Connection.Ack.INSTANCE,
                Connection.StreamDone.INSTANCE,
                Connection.StreamFailed::new));
        // Frames waiting while the socket is busy go out together, up to 64 KiB a write: in a large
        // room each join is news to everyone, and one write per frame per member made the socket
        // writes most of what a join cost.
        Source<ByteString, NotUsed> out = outbox.second()
                .map(o -> ((Connection.Frame) o).bytes())
                .batchWeighted(WRITE_BATCH_BYTES, b -> (long) b.size(), b -> b, ByteString::concat);
        Flow<ByteString, ByteString, NotUsed> plain = Flow.fromSinkAndSourceCoupled(in, out);
        tcp.handleWith(tls == null ? plain : secured(plain), getContext().getSystem());
        return this;
    }

    /**
     * Over a limit: the client reads why (inside TLS on a TLS port), then the socket closes (the
     * reply source completes, which closes the connection; what it sends is read and ignored).
     */
    private boolean refusedOverLimits(Tcp.IncomingConnection tcp, InetAddress from) {
        int perAddress = config.limits().connectionsPerAddress();
        String why;
        if (open.getOrDefault(from, 0) >= perAddress) {
            gateway.stats().limitHit(Limit.CONNECTIONS_PER_ADDRESS);
            why = perAddress + " connections from " + from.getHostAddress() + " are open already, the most allowed";
        } else if (openTotal >= config.limits().maxConnections()) {
            gateway.stats().limitHit(Limit.CONNECTIONS_TOTAL);
            why = "this relay holds " + openTotal + " connections, the most it allows; try another node or later";
        } else {
            return false;
        }
        ByteString error = ByteString.fromArrayUnsafe(ControlCodec.encodeFrame(
                ControlMessage.Error.of(ErrorCode.TOO_MANY_CONNECTIONS, why)));
        Flow<ByteString, ByteString, NotUsed> reply = Flow.fromSinkAndSourceCoupled(Sink.<ByteString>ignore(), Source.single(error));
        tcp.handleWith(tls == null ? reply : secured(reply), getContext().getSystem());
        return true;
    }

    private Behavior<Command> onClosed(Closed closed) {
        open.computeIfPresent(closed.from(), (a, n) -> n == 1 ? null : n - 1);
        openTotal--;
        gateway.stats().controlConnections(openTotal);
        return this;
    }

    /**
     * The connection's bytes through Pekko Streams TLS, so the framing sees them decrypted. Eager
     * close: when the connection actor ends its outbox (after an error, a hello timeout), the TLS
     * session and the socket close too. A failed handshake (plain text or garbage on the TLS port, a
     * client refusing the certificate) closes the connection and is counted.
     */
    private Flow<ByteString, ByteString, NotUsed> secured(Flow<ByteString, ByteString, NotUsed> plain) {
        Flow<TLSProtocol.SslTlsInbound, TLSProtocol.SslTlsOutbound, NotUsed> app =
                Flow.<TLSProtocol.SslTlsInbound>create()
                        .collectType(TLSProtocol.SessionBytes.class)
                        .map(TLSProtocol.SessionBytes::bytes)
                        .via(plain)
                        .map(bytes -> (TLSProtocol.SslTlsOutbound) new TLSProtocol.SendBytes(bytes));
        RelayStats stats = gateway.stats();
        // Pekko's TLS stage ends the stream quietly when a handshake fails, so a failure is told by
        // bytes having come in without a session ever being established.
        AtomicBoolean bytesIn = new AtomicBoolean();
        AtomicBoolean established = new AtomicBoolean();
        var tlsStage = TLS.create(tls::serverEngine, session -> established.set(true), TLSClosing.eagerClose());
        return Flow.<ByteString>create()
                .map(bytes -> {
                    bytesIn.set(true);
                    return bytes;
                })
                .via(tlsStage.reversed().join(app))
                .watchTermination((notUsed, done) -> {
                    done.whenComplete((ok, failure) -> {
                        if (bytesIn.get() && !established.get()) {
                            stats.tlsHandshakeFailed();
                        }
                    });
                    return notUsed;
                });
    }
}
