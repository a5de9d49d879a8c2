package chorus.relay.mixer;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.AudioLevel;
import chorus.protocol.media.Codec;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.MediaKind;
import chorus.relay.config.MixerConfig;
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
 * Mixes a room's audio. Every tick (20 ms) it takes one frame from each talker's playout queue,
 * picks the K loudest by their header levels, decodes only those, sums them once in 32 bits, and
 * sends each of them the sum minus its own frame, limited to 16 bits; everyone else gets one
 * shared frame of the whole sum, in Opus or PCM as each listener negotiated. Never averages:
 * averaging makes every voice quieter as the room grows. The arithmetic is in {@link MixEngine}.
 * From the same levels it follows the room's dominant speaker ({@link DominantSpeaker}) and tells
 * the room the recent speakers ({@link Room.Speakers}) on every change.
 */
public final class Mixer extends AbstractBehavior<Mixer.Command> {

    public sealed interface Command {
    }

    /** A participant to mix for; it may talk, listen, or both. */
    public record AddMember(int mediaId) implements Command {
    }

    public record RemoveMember(int mediaId) implements Command {
    }

    /**
     * Where the participant's audio socket is (learned from its authenticated datagrams), and the
     * codec of the mix it takes ({@link Codec#OPUS} or {@link Codec#PCM16}, from its hello).
     */
    public record ListenerAddress(int mediaId, InetSocketAddress address, int codec) implements Command {
        public ListenerAddress(int mediaId, InetSocketAddress address) {
            this(mediaId, address, Codec.PCM16);
        }
    }

    /**
     * One complete 20 ms frame from a talker, by its frame id, as it came in (not decoded: only the
     * K loudest are), with the audio level byte of its header.
     */
    public record AudioFrame(int mediaId, long frameId, int codec, byte[] payload, int level) implements Command {
        /** A PCM frame, its level measured here. */
        public AudioFrame(int mediaId, long frameId, short[] samples) {
            this(mediaId, frameId, Codec.PCM16, AudioFormat.toBytes(samples), AudioLevel.of(samples, samples.length));
        }
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
    private long reportedUndecodable;

    /**
     * @param room    where talkers' levels go every 100 ms (for speaking indicators), and the recent
     *                speakers on every change
     * @param ticking false in tests, which send {@link Tick} themselves
     */
    public static Behavior<Command> create(MediaGateway gateway, RelayConfig config, ActorRef<Room.Command> room,
                                           boolean ticking) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Mixer(ctx, timers, gateway, config, room, ticking)));
    }

    private final MediaGateway gateway;

    private Mixer(ActorContext<Command> ctx, TimerScheduler<Command> timers, MediaGateway gateway,
                  RelayConfig config, ActorRef<Room.Command> room, boolean ticking) {
        super(ctx);
        this.room = room;
        this.stats = gateway.stats();
        this.gateway = gateway;
        MixerConfig mixer = config.mixer();
        TalkerSelection selection = new TalkerSelection(mixer.talkers(), mixer.talkerSwitchDb(),
                mixer.talkerSwitchTicks(), mixer.talkerHangoverTicks());
        MixerConfig.DominantSpeakerConfig speaking = mixer.dominantSpeaker();
        DominantSpeaker speakers = new DominantSpeaker(speaking.windowTicks(), speaking.switchDb(),
                speaking.switchTicks(), speaking.floorDbov(), speaking.recent());
        this.engine = new MixEngine(mixer.jitterTargetFrames(), mixer.jitterMaxFrames(), selection, speakers,
                mixer.opusBitrate(),
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
        tellSpeakersIfChanged(); // one of the recent speakers left
        return this;
    }

    private Behavior<Command> onListenerAddress(ListenerAddress listener) {
        engine.listenerAddress(listener.mediaId(), listener.address(), listener.codec());
        return this;
    }

    private Behavior<Command> onAudioFrame(AudioFrame frame) {
        engine.frame(frame.mediaId(), frame.frameId(),
                new MixEngine.EncodedFrame(frame.codec(), frame.payload(), frame.level()));
        return this;
    }

    private Behavior<Command> onTick() {
        long started = System.nanoTime();
        // The tick's datagrams (a mix to each listener) leave together: one sendmmsg, not one send each.
        gateway.batched(engine::tick);
        stats.mixerTick(System.nanoTime() - started);
        long late = engine.lateFrames();
        long concealed = engine.concealedFrames();
        stats.audioLate(late - reportedLate);
        stats.audioConcealed(concealed - reportedConcealed);
        stats.dropped(DropReason.UNDECODABLE, engine.undecodableFrames() - reportedUndecodable);
        reportedLate = late;
        reportedConcealed = concealed;
        reportedUndecodable = engine.undecodableFrames();
        tellSpeakersIfChanged();
        if (++ticks % LEVEL_TICKS == 0) {
            var levels = engine.takeLevels();
            if (!levels.isEmpty()) {
                room.tell(new Room.AudioLevels(levels));
            }
        }
        return this;
    }

    private void tellSpeakersIfChanged() {
        if (engine.speakersChanged()) {
            room.tell(new Room.Speakers(engine.recentSpeakers()));
        }
    }
}
