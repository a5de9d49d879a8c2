package chorus.relay.mixer;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.JitterBuffer;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arithmetic of one room's mix, driven tick by tick by the {@link Mixer} actor (and by the
 * benchmarks, without an actor): one jitter buffer per talker, one 32-bit sum per tick, each
 * talker's frame subtracted for that talker's own mix, a limiter per output, and the frames cut
 * into datagrams. Not thread-safe.
 */
public final class MixEngine {

    /**
     * Where finished clear datagrams go, to be sealed for listener {@code mediaId}; the buffer is
     * reused after the call returns.
     */
    @FunctionalInterface
    public interface DatagramSink {
        void send(ByteBuffer datagram, int mediaId, InetSocketAddress to);
    }

    private static final class Member {
        final int mediaId;
        final JitterBuffer jitter;
        final Limiter limiter = new Limiter();
        InetSocketAddress address;
        short[] current;
        /** Loudest frame since levels were last taken, in dBov; MIN_LEVEL when silent. */
        int loudest = MIN_LEVEL;

        Member(int mediaId, JitterBuffer jitter) {
            this.mediaId = mediaId;
            this.jitter = jitter;
        }
    }

    /** The quietest level reported (RFC 6464's range is -127..0 dBov). */
    public static final int MIN_LEVEL = -127;

    private final int jitterTarget;
    private final int jitterMax;
    private final DatagramSink sink;
    private final Map<Integer, Member> members = new LinkedHashMap<>();
    private final int[] sum = new int[AudioFormat.FRAME_SAMPLES];
    private final short[] mixed = new short[AudioFormat.FRAME_SAMPLES];
    private final byte[] pcm = new byte[AudioFormat.FRAME_BYTES];
    private final Limiter sharedLimiter = new Limiter();
    // Clear datagrams: the gateway seals each copy with its listener's key.
    private final Fragmenter fragmenter = new Fragmenter(MediaKind.AUDIO, MediaHeader.RELAY_MEDIA_ID, Codec.PCM16);
    private final List<Member> sharedListeners = new ArrayList<>();
    private final List<Member> one = Arrays.asList(new Member[1]);
    private long tick;
    private int talkers;
    private long late;
    private long concealed;

    public MixEngine(int jitterTarget, int jitterMax, DatagramSink sink) {
        this.jitterTarget = jitterTarget;
        this.jitterMax = jitterMax;
        this.sink = sink;
    }

    public void addMember(int mediaId) {
        members.computeIfAbsent(mediaId, id -> new Member(id, new JitterBuffer(jitterTarget, jitterMax)));
    }

    public void removeMember(int mediaId) {
        Member gone = members.remove(mediaId);
        if (gone != null) {
            late += gone.jitter.late();
            concealed += gone.jitter.concealed();
        }
    }

    public void listenerAddress(int mediaId, InetSocketAddress address) {
        Member m = members.get(mediaId);
        if (m != null) {
            m.address = address;
        }
    }

    /** Queues a talker's frame; frames of unknown members are ignored. */
    public void frame(int mediaId, long frameId, short[] samples) {
        Member m = members.get(mediaId);
        if (m != null) {
            m.jitter.push(frameId, samples);
        }
    }

    /** One 20 ms step: pull, sum once, send each talker its N-1 mix and everyone else the shared one. */
    public void tick() {
        Arrays.fill(sum, 0);
        talkers = 0;
        for (Member m : members.values()) {
            short[] frame = m.jitter.pull();
            m.current = frame;
            if (frame != null) {
                talkers++;
                m.loudest = Math.max(m.loudest, level(frame));
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += frame[i];
                }
            }
        }
        if (talkers > 0) {
            sendMixes();
        }
        tick++;
    }

    private void sendMixes() {
        sharedListeners.clear();
        for (Member m : members.values()) {
            if (m.address == null) {
                continue;
            }
            if (m.current == null) {
                sharedListeners.add(m);
            } else if (talkers > 1) {
                m.limiter.process(sum, m.current, mixed);
                one.set(0, m);
                send(one);
            }
            // A lone talker hears nobody: nothing is sent to it.
        }
        if (!sharedListeners.isEmpty()) {
            sharedLimiter.process(sum, null, mixed);
            send(sharedListeners);
        }
    }

    private void send(List<Member> to) {
        AudioFormat.toBytes(mixed, pcm);
        fragmenter.nextFrameId(tick).send(pcm, 0, pcm.length, tick * AudioFormat.FRAME_SAMPLES, 0, datagram -> {
            for (int i = 0; i < to.size(); i++) {
                Member m = to.get(i);
                sink.send(datagram, m.mediaId, m.address);
            }
        });
    }

    /** RMS level of a frame in dBov, rounded, clamped to -127..0. */
    static int level(short[] frame) {
        double sumSquares = 0;
        for (short s : frame) {
            sumSquares += (double) s * s;
        }
        double rms = Math.sqrt(sumSquares / frame.length) / 32768.0;
        if (rms <= 0) {
            return MIN_LEVEL;
        }
        return (int) Math.max(MIN_LEVEL, Math.min(0, Math.round(20 * Math.log10(rms))));
    }

    /**
     * Each talker's loudest level since the last call (only those heard at all), then starts
     * a new period. Empty when nobody talked.
     */
    public List<ControlMessage.AudioLevel> takeLevels() {
        List<ControlMessage.AudioLevel> levels = new ArrayList<>();
        for (Map.Entry<Integer, Member> e : members.entrySet()) {
            if (e.getValue().loudest > MIN_LEVEL) {
                levels.add(new ControlMessage.AudioLevel(e.getKey(), e.getValue().loudest));
                e.getValue().loudest = MIN_LEVEL;
            }
        }
        return levels;
    }

    public int members() {
        return members.size();
    }

    /** Talkers mixed in the last tick. */
    public int talkers() {
        return talkers;
    }

    /** Late frames dropped by all jitter buffers, present and past. */
    public long lateFrames() {
        long n = late;
        for (Member m : members.values()) {
            n += m.jitter.late();
        }
        return n;
    }

    public long concealedFrames() {
        long n = concealed;
        for (Member m : members.values()) {
            n += m.jitter.concealed();
        }
        return n;
    }
}
