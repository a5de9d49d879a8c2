package chorus.relay.mixer;

import chorus.protocol.media.MediaKind;
import chorus.relay.config.RelayConfig;
import chorus.relay.media.MediaGateway;
import chorus.relay.media.MediaPort;
import chorus.relay.metrics.RelayStats;
import chorus.relay.room.Room;
import java.net.InetSocketAddress;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Mixes a room's audio. Every tick (20 ms) it takes one frame from each talker's jitter buffer,
 * sums them once in 32 bits, and sends each talker the sum minus its own frame, limited to 16
 * bits; everyone who is not talking gets one shared frame of the whole sum. Never averages:
 * averaging makes every voice quieter as the room grows. The arithmetic is in {@link MixEngine}.
 */
public final class Mixer extends AbstractBehavior<Mixer.Command> {

    public sealed interface Command {
    }

    /** A participant to mix for; it may talk, listen, or both. */
    public record AddMember(int mediaId) implements Command {
    }

    public record RemoveMember(int mediaId) implements Command {
    }

    /** Where the participant's audio socket is (learned from its authenticated datagrams). */
    public record ListenerAddress(int mediaId, InetSocketAddress address) implements Command {
    }

    /** One complete 20 ms frame from a talker, by its frame id. */
    public record AudioFrame(int mediaId, long frameId, short[] samples) implements Command {
    }

    /** Ticks are driven by the timer in production and sent by hand in tests. */
    public enum Tick implements Command {
        INSTANCE
    }

    /** Levels go to the room every this many ticks (100 ms). */
    private static final int LEVEL_TICKS = 5;

    private final MixEngine engine;
    private final ActorRef<Room.Command> room;
    private long ticks;
    private final RelayStats stats;
    private long reportedLate;
    private long reportedConcealed;

    /**
     * @param room    where talkers' levels go every 100 ms (for speaking indicators)
     * @param ticking false in tests, which send {@link Tick} themselves
     */
    public static Behavior<Command> create(MediaGateway gateway, RelayConfig config, ActorRef<Room.Command> room,
                                           boolean ticking) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Mixer(ctx, timers, gateway, config, room, ticking)));
    }

    private Mixer(ActorContext<Command> ctx, TimerScheduler<Command> timers, MediaGateway gateway,
                  RelayConfig config, ActorRef<Room.Command> room, boolean ticking) {
        super(ctx);
        this.room = room;
        this.stats = gateway.stats();
        this.engine = new MixEngine(config.mixer().jitterTargetFrames(), config.mixer().jitterMaxFrames(),
                (datagram, mediaId, to) -> gateway.sendToMember(MediaPort.AUDIO, mediaId, datagram, to, MediaKind.AUDIO));
        if (ticking) {
            timers.startTimerAtFixedRate(Tick.INSTANCE, config.mixer().tick());
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(AddMember.class, this::onAddMember)
                .onMessage(RemoveMember.class, this::onRemoveMember)
                .onMessage(ListenerAddress.class, this::onListenerAddress)
                .onMessage(AudioFrame.class, this::onAudioFrame)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .build();
    }

    private Behavior<Command> onAddMember(AddMember add) {
        engine.addMember(add.mediaId());
        return this;
    }

    private Behavior<Command> onRemoveMember(RemoveMember remove) {
        engine.removeMember(remove.mediaId());
        return this;
    }

    private Behavior<Command> onListenerAddress(ListenerAddress listener) {
        engine.listenerAddress(listener.mediaId(), listener.address());
        return this;
    }

    private Behavior<Command> onAudioFrame(AudioFrame frame) {
        engine.frame(frame.mediaId(), frame.frameId(), frame.samples());
        return this;
    }

    private Behavior<Command> onTick() {
        long started = System.nanoTime();
        engine.tick();
        stats.mixerTick(System.nanoTime() - started);
        long late = engine.lateFrames();
        long concealed = engine.concealedFrames();
        stats.audioLate(late - reportedLate);
        stats.audioConcealed(concealed - reportedConcealed);
        reportedLate = late;
        reportedConcealed = concealed;
        if (++ticks % LEVEL_TICKS == 0) {
            var levels = engine.takeLevels();
            if (!levels.isEmpty()) {
                room.tell(new Room.AudioLevels(levels));
            }
        }
        return this;
    }
}
