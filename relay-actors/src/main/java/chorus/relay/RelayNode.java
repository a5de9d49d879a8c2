package chorus.relay;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One running relay node: the UDP media gateway and an actor system whose guardian starts the
 * rooms and the control server. {@link #start} returns once every socket listens.
 */
public final class RelayNode implements AutoCloseable {
    private final ActorSystem<Void> system;
    private final MediaGateway gateway;
    private final RelayConfig config;
    private final InetSocketAddress controlAddress;

    private RelayNode(ActorSystem<Void> system, MediaGateway gateway, RelayConfig config,
                      InetSocketAddress controlAddress) {
        this.system = system;
        this.gateway = gateway;
        this.config = config;
        this.controlAddress = controlAddress;
    }

    /** Starts a node from the full configuration (the {@code chorus.relay} section and Pekko's). */
    public static RelayNode start(Config config) throws IOException {
        Config resolved = config.withFallback(ConfigFactory.load()).resolve();
        RelayConfig relay = RelayConfig.from(resolved);
        MediaGateway gateway = new MediaGateway(relay, new RelayStats());
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        ActorSystem<Void> system = ActorSystem.create(guardian(relay, gateway, bound), "chorus", resolved);
        try {
            InetSocketAddress control = bound.get(30, TimeUnit.SECONDS);
            return new RelayNode(system, gateway, relay, control);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            system.terminate();
            gateway.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IOException("cannot listen on TCP " + relay.host() + ":" + relay.controlPort()
                    + " (" + cause.getMessage() + ")", cause);
        }
    }

    /** Starts a node on 127.0.0.1 with ephemeral ports, for tests and local tools. */
    public static RelayNode startOnLoopback(Config overrides) throws IOException {
        return start(overrides.withFallback(ConfigFactory.parseString(
                "chorus.relay { host = \"127.0.0.1\", control-port = 0, video-port = 0, audio-port = 0 }")));
    }

    private static Behavior<Void> guardian(RelayConfig relay, MediaGateway gateway,
                                           CompletableFuture<InetSocketAddress> bound) {
        return Behaviors.setup(ctx -> {
            var rooms = ctx.spawn(Rooms.create(gateway, relay), "rooms");
            ctx.spawn(ControlServer.create(relay, gateway, rooms, bound), "control");
            return Behaviors.empty();
        });
    }

    public InetSocketAddress controlAddress() {
        return controlAddress;
    }

    public int controlPort() {
        return controlAddress.getPort();
    }

    public int videoPort() {
        return gateway.port(MediaPort.VIDEO);
    }

    public int audioPort() {
        return gateway.port(MediaPort.AUDIO);
    }

    public RelayStats stats() {
        return gateway.stats();
    }

    public RelayConfig config() {
        return config;
    }

    public ActorSystem<Void> system() {
        return system;
    }

    /** The line scripts wait for; ports are the real ones when 0 was asked. */
    public String readyLine() {
        return "Chorus relay ready control=" + config.host() + ":" + controlPort()
                + " video=" + videoPort() + " audio=" + audioPort();
    }

    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(Duration.ofSeconds(15).toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        gateway.close();
    }
}
