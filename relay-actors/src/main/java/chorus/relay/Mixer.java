package chorus.relay;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.JitterBuffer;
import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaAuthenticator;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * averaging makes every voice quieter as the room grows.
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

    private static final class Member {
        final int mediaId;
        final JitterBuffer jitter;
        final Limiter limiter = new Limiter();
        InetSocketAddress address;
        short[] current;
        long reportedLate;
        long reportedConcealed;

        Member(int mediaId, JitterBuffer jitter) {
            this.mediaId = mediaId;
            this.jitter = jitter;
        }
    }

    /** Mixed audio carries the relay's media id: it comes from the relay, not from a participant. */
    public static final int RELAY_MEDIA_ID = MediaHeader.RELAY_MEDIA_ID;

    private final MediaGateway gateway;
    private final RelayConfig config;
    private final Map<Integer, Member> members = new LinkedHashMap<>();
    private final int[] sum = new int[AudioFormat.FRAME_SAMPLES];
    private final short[] mixed = new short[AudioFormat.FRAME_SAMPLES];
    private final byte[] pcm = new byte[AudioFormat.FRAME_BYTES];
    private final Limiter sharedLimiter = new Limiter();
    private final Fragmenter fragmenter;
    private final List<Member> talkers = new ArrayList<>();
    private final List<InetSocketAddress> listeners = new ArrayList<>();
    private long tick;

    public static Behavior<Command> create(MediaGateway gateway, RelayConfig config, boolean ticking) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Mixer(ctx, timers, gateway, config, ticking)));
    }

    private Mixer(ActorContext<Command> ctx, TimerScheduler<Command> timers, MediaGateway gateway,
                  RelayConfig config, boolean ticking) {
        super(ctx);
        this.gateway = gateway;
        this.config = config;
        // The relay's own key: listeners check the source address of mixed audio, not its tag.
        this.fragmenter = new Fragmenter(MediaKind.AUDIO, RELAY_MEDIA_ID, Codec.PCM16, MediaAuthenticator.newKey());
        if (ticking) {
            timers.startTimerAtFixedRate(Tick.INSTANCE, config.mixerTick());
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

    private Behavior<Command> onAddMember(AddMember m) {
        members.computeIfAbsent(m.mediaId(),
                id -> new Member(id, new JitterBuffer(config.jitterTargetFrames(), config.jitterMaxFrames())));
        return this;
    }

    private Behavior<Command> onRemoveMember(RemoveMember m) {
        members.remove(m.mediaId());
        return this;
    }

    private Behavior<Command> onListenerAddress(ListenerAddress m) {
        Member member = members.get(m.mediaId());
        if (member != null) {
            member.address = m.address();
        }
        return this;
    }

    private Behavior<Command> onAudioFrame(AudioFrame f) {
        Member member = members.get(f.mediaId());
        if (member != null) {
            member.jitter.push(f.frameId(), f.samples());
        }
        return this;
    }

    private Behavior<Command> onTick() {
        long started = System.nanoTime();
        java.util.Arrays.fill(sum, 0);
        talkers.clear();
        for (Member m : members.values()) {
            m.current = m.jitter.pull();
            if (m.current != null) {
                talkers.add(m);
                short[] frame = m.current;
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += frame[i];
                }
            }
            reportJitter(m);
        }
        if (!talkers.isEmpty()) {
            sendMixes();
        }
        gateway.stats().mixerTick(System.nanoTime() - started);
        tick++;
        return this;
    }

    private void sendMixes() {
        listeners.clear();
        for (Member m : members.values()) {
            if (m.address == null) {
                continue;
            }
            if (m.current == null) {
                listeners.add(m.address);
            } else if (talkers.size() > 1) {
                // A talker hears everyone else: the one sum minus its own frame.
                m.limiter.process(sum, m.current, mixed);
                send(List.of(m.address));
            }
        }
        if (!listeners.isEmpty()) {
            sharedLimiter.process(sum, null, mixed);
            send(listeners);
        }
    }

    private void send(List<InetSocketAddress> to) {
        AudioFormat.toBytes(mixed, pcm);
        fragmenter.nextFrameId(tick).send(pcm, 0, pcm.length, tick * AudioFormat.FRAME_SAMPLES, 0, datagram -> {
            for (InetSocketAddress address : to) {
                gateway.send(MediaPort.AUDIO, datagram, address, MediaKind.AUDIO);
            }
        });
    }

    private void reportJitter(Member m) {
        long late = m.jitter.late();
        long concealed = m.jitter.concealed();
        if (late != m.reportedLate || concealed != m.reportedConcealed) {
            gateway.stats().audioLate(late - m.reportedLate);
            gateway.stats().audioConcealed(concealed - m.reportedConcealed);
            m.reportedLate = late;
            m.reportedConcealed = concealed;
        }
    }
}
