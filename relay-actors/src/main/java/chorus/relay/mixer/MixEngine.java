package chorus.relay.mixer;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.AudioLevel;
import chorus.protocol.audio.JitterBuffer;
import chorus.protocol.audio.OpusFormat;
import chorus.protocol.audio.OpusFrameDecoder;
import chorus.protocol.audio.PlayoutQueue;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import io.github.jaredmdobson.concentus.OpusEncoder;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arithmetic of one room's mix, driven tick by tick by the {@link Mixer} actor (and by the
 * benchmarks, without an actor): one playout queue of encoded frames per talker, the K loudest
 * talkers chosen by their header levels ({@link TalkerSelection}) and only those decoded (one
 * Opus decoder per talker, started afresh when it is selected again), one 32-bit sum per tick,
 * each selected talker's frame subtracted for that talker's own mix, a limiter per output, each
 * distinct mix encoded once per codec its listeners take (Opus: one encoder per mix slot, K talker
 * slots and one shared), and the frames cut into datagrams. The same levels feed the room's
 * {@link DominantSpeaker}. Not thread-safe.
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

    /** One talker's complete frame as it came in: its codec, its payload, its header's level byte. */
    public record EncodedFrame(int codec, byte[] payload, int level) {
    }

    /** One mix stream's encoder state: a talker slot, or the shared mix. */
    private static final class MixSlot {
        final OpusEncoder encoder;
        final byte[] packet = new byte[OpusFormat.MAX_PACKET_BYTES];

        MixSlot(int bitrate) {
            this.encoder = OpusFormat.newMixEncoder(bitrate);
        }
    }

    private static final class Member extends TalkerSelection.Talker {
        final PlayoutQueue<EncodedFrame> queue;
        final DominantSpeaker.Speaker speaker;
        final Limiter limiter = new Limiter();
        InetSocketAddress address;
        int listens = Codec.PCM16;
        PlayoutQueue.Turn turn = PlayoutQueue.Turn.IDLE;
        /** Decoding state, made when it is first selected. */
        OpusFrameDecoder decoder;
        short[] pcm;
        int lastCodec = Codec.NONE;
        boolean heard;
        MixSlot slot;
        /** The Opus stream it was last sent a frame of: a frame of another starts with the keyframe flag. */
        MixSlot lastHeard;
        /** Loudest header level since levels were last taken, in dBov; MIN_LEVEL when silent. */
        int loudest = MIN_LEVEL;

        Member(int mediaId, PlayoutQueue<EncodedFrame> queue, DominantSpeaker.Speaker speaker) {
            super(mediaId);
            this.queue = queue;
            this.speaker = speaker;
        }
    }

    /** The quietest level reported (RFC 6464's range is -127..0 dBov). */
    public static final int MIN_LEVEL = -127;

    private final int jitterTarget;
    private final int jitterMax;
    private final DatagramSink sink;
    private final TalkerSelection selection;
    private final DominantSpeaker speakers;
    private final Map<Integer, Member> members = new LinkedHashMap<>();
    private final int[] sum = new int[AudioFormat.FRAME_SAMPLES];
    private final short[] mixed = new short[AudioFormat.FRAME_SAMPLES];
    private final short[] measured = new short[AudioFormat.FRAME_SAMPLES];
    private final byte[] pcmBytes = new byte[AudioFormat.FRAME_BYTES];
    private final Limiter sharedLimiter = new Limiter();
    private final int bitrate;
    private MixSlot sharedSlot;
    private final ArrayDeque<MixSlot> freeSlots = new ArrayDeque<>();
    private int slotsMade;
    // Clear datagrams: the gateway seals each copy with its listener's key.
    private final Fragmenter pcmFragmenter = new Fragmenter(MediaKind.AUDIO, MediaHeader.RELAY_MEDIA_ID, Codec.PCM16);
    private final Fragmenter opusFragmenter = new Fragmenter(MediaKind.AUDIO, MediaHeader.RELAY_MEDIA_ID, Codec.OPUS);
    private final List<Member> sharedListeners = new ArrayList<>();
    private final List<Member> one = Arrays.asList(new Member[1]);
    private List<Member> recipients;
    private int recipientCodec;
    private MixSlot recipientSlot;
    private final Fragmenter.PacketSink toRecipients = this::toRecipients;
    private long tick;
    private int talkers;
    private long late;
    private long concealed;
    private long undecodable;

    /** Every talker with voice mixed (no K), as before Opus: for benchmarks of the old path. */
    public MixEngine(int jitterTarget, int jitterMax, DatagramSink sink) {
        this(jitterTarget, jitterMax, new TalkerSelection(Integer.MAX_VALUE, 6, 5, 25), OpusFormat.DEFAULT_BITRATE, sink);
    }

    /** With the dominant speaker decided by {@link DominantSpeaker#standard()}. */
    public MixEngine(int jitterTarget, int jitterMax, TalkerSelection selection, int bitrate, DatagramSink sink) {
        this(jitterTarget, jitterMax, selection, DominantSpeaker.standard(), bitrate, sink);
    }

    /**
     * @param speakers decides the dominant speaker from the same header levels, every tick
     * @param bitrate  of the Opus mixes, bits per second
     */
    public MixEngine(int jitterTarget, int jitterMax, TalkerSelection selection, DominantSpeaker speakers,
                     int bitrate, DatagramSink sink) {
        this.jitterTarget = jitterTarget;
        this.jitterMax = jitterMax;
        this.selection = selection;
        this.speakers = speakers;
        this.sink = sink;
        this.bitrate = bitrate;
    }

    public void addMember(int mediaId) {
        members.computeIfAbsent(mediaId, id -> new Member(id, new PlayoutQueue<>(jitterTarget, jitterMax),
                speakers.add(id)));
    }

    public void removeMember(int mediaId) {
        Member gone = members.remove(mediaId);
        if (gone != null) {
            selection.remove(gone);
            speakers.remove(gone.speaker);
            releaseSlot(gone);
            late += gone.queue.late();
            concealed += gone.queue.missing();
        }
    }

    /** Where a member listens and the codec of the mix it takes ({@link Codec#OPUS} or {@link Codec#PCM16}). */
    public void listenerAddress(int mediaId, InetSocketAddress address, int codec) {
        Member m = members.get(mediaId);
        if (m != null) {
            m.address = address;
            m.listens = codec == Codec.OPUS ? Codec.OPUS : Codec.PCM16;
        }
    }

    public void listenerAddress(int mediaId, InetSocketAddress address) {
        listenerAddress(mediaId, address, Codec.PCM16);
    }

    /**
     * Queues a talker's encoded frame as received; frames of unknown members are ignored. A PCM
     * frame whose header says silence is measured here (PCM needs no decoding to be measured), so
     * a sender that leaves the level unset, as {@link chorus.protocol.media.Fragmenter}'s plain
     * overload does, is still heard; an Opus frame's level is taken as it is.
     */
    public void frame(int mediaId, long frameId, EncodedFrame frame) {
        Member m = members.get(mediaId);
        if (m == null) {
            return;
        }
        if (frame.codec() == Codec.PCM16 && frame.level() == AudioLevel.SILENCE
                && frame.payload().length == AudioFormat.FRAME_BYTES) {
            AudioFormat.toSamples(frame.payload(), measured);
            frame = new EncodedFrame(frame.codec(), frame.payload(), AudioLevel.of(measured, measured.length));
        }
        m.queue.push(frameId, frame);
    }

    /** Queues a talker's PCM frame. */
    public void frame(int mediaId, long frameId, short[] samples) {
        frame(mediaId, frameId, new EncodedFrame(Codec.PCM16, AudioFormat.toBytes(samples),
                AudioLevel.of(samples, samples.length)));
    }

    /**
     * One 20 ms step: pull each talker's turn, choose the K loudest by header level, decode and sum
     * those once, send each of them its N-1 mix and everyone else the shared one.
     */
    public void tick() {
        for (Member m : members.values()) {
            m.turn = m.queue.pull();
            int level = MIN_LEVEL;
            int b = AudioLevel.SILENCE;
            if (m.turn == PlayoutQueue.Turn.FRAME) {
                b = m.queue.frame().level();
                int dBov = AudioLevel.dBovOf(b);
                if (dBov > MIN_LEVEL) {
                    m.loudest = Math.max(m.loudest, dBov);
                }
                if (AudioLevel.voice(b)) {
                    level = dBov;
                }
            }
            m.level(level);
            speakers.level(m.speaker, b);
        }
        speakers.tick();
        selection.select(members.values());
        Arrays.fill(sum, 0);
        talkers = 0;
        for (TalkerSelection.Talker t : selection.selected()) {
            Member m = (Member) t;
            m.heard = decode(m, m.fresh());
            if (m.heard) {
                talkers++;
                short[] frame = m.pcm;
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

    /** This tick's samples of a selected talker into its {@code pcm}; false when it has none. */
    private boolean decode(Member m, boolean fresh) {
        if (m.pcm == null) {
            m.pcm = new short[AudioFormat.FRAME_SAMPLES];
        }
        if (fresh) {
            m.lastCodec = Codec.NONE;
            if (m.decoder != null) {
                m.decoder.reset();
            }
        }
        switch (m.turn) {
            case FRAME -> {
                EncodedFrame f = m.queue.frame();
                if (f.codec() == Codec.OPUS) {
                    if (m.decoder == null) {
                        m.decoder = new OpusFrameDecoder();
                    }
                    if (!m.decoder.decode(f.payload(), f.payload().length, m.pcm)) {
                        undecodable++;
                        m.lastCodec = Codec.NONE;
                        return false;
                    }
                } else if (f.codec() == Codec.PCM16 && f.payload().length == AudioFormat.FRAME_BYTES) {
                    AudioFormat.toSamples(f.payload(), m.pcm);
                } else {
                    undecodable++;
                    m.lastCodec = Codec.NONE;
                    return false;
                }
                m.lastCodec = f.codec();
                return true;
            }
            case MISSING -> {
                if (m.lastCodec == Codec.OPUS) {
                    m.decoder.conceal(m.pcm, m.queue.missingRun());
                } else if (m.lastCodec == Codec.PCM16) {
                    short[] c = JitterBuffer.conceal(m.pcm, m.queue.missingRun());
                    System.arraycopy(c, 0, m.pcm, 0, c.length);
                } else {
                    return false;
                }
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void sendMixes() {
        sharedListeners.clear();
        for (Member m : members.values()) {
            if (m.address == null) {
                continue;
            }
            if (!m.selected() || !m.heard) {
                sharedListeners.add(m);
            } else if (talkers > 1) {
                m.limiter.process(sum, m.pcm, mixed);
                one.set(0, m);
                send(m.listens == Codec.OPUS ? talkerSlot(m) : null, one); // a PCM listener needs no encoder
            }
            // A lone talker hears nobody: nothing is sent to it.
        }
        for (Member m : members.values()) {
            if (m.slot != null && !m.selected()) {
                releaseSlot(m);
            }
        }
        if (!sharedListeners.isEmpty()) {
            sharedLimiter.process(sum, null, mixed);
            if (sharedSlot == null) {
                sharedSlot = new MixSlot(bitrate);
            }
            send(sharedSlot, sharedListeners);
        }
    }

    /** A selected talker's own mix slot, for as long as it stays selected: at most K are made. */
    private MixSlot talkerSlot(Member m) {
        if (m.slot == null) {
            m.slot = freeSlots.poll();
            if (m.slot == null) {
                m.slot = new MixSlot(bitrate);
                slotsMade++;
            } else {
                m.slot.encoder.resetState();
            }
            m.lastHeard = null; // its own slot is a new stream to it, even if it had this encoder before
        }
        return m.slot;
    }

    private void releaseSlot(Member m) {
        if (m.slot != null) {
            freeSlots.add(m.slot);
        }
        m.slot = null;
    }

    /** Sends {@code mixed} to {@code to}: encoded once per codec that some of them take ({@code slot} for Opus). */
    private void send(MixSlot slot, List<Member> to) {
        boolean opus = false;
        boolean pcm = false;
        for (int i = 0; i < to.size(); i++) {
            if (to.get(i).listens == Codec.OPUS) {
                opus = true;
            } else {
                pcm = true;
            }
        }
        int level = AudioLevel.of(mixed, mixed.length);
        long timestamp = tick * AudioFormat.FRAME_SAMPLES;
        recipients = to;
        recipientSlot = slot;
        if (opus) {
            int length = OpusFormat.encode(slot.encoder, mixed, slot.packet);
            recipientCodec = Codec.OPUS;
            opusFragmenter.nextFrameId(tick).send(slot.packet, 0, length, timestamp, 0, level, toRecipients);
        }
        if (pcm) {
            AudioFormat.toBytes(mixed, pcmBytes);
            recipientCodec = Codec.PCM16;
            pcmFragmenter.nextFrameId(tick).send(pcmBytes, 0, pcmBytes.length, timestamp, 0, level, toRecipients);
        }
        recipients = null;
    }

    /**
     * A listener's Opus decoder holds the state of the stream it has been decoding: the first frame
     * of another encoder (it moved between the shared mix and its own) carries the keyframe flag,
     * and the client starts its decoder afresh for it, instead of decoding it against the wrong
     * history (measured: a full-scale burst).
     */
    private void toRecipients(ByteBuffer datagram) {
        for (int i = 0; i < recipients.size(); i++) {
            Member m = recipients.get(i);
            if (m.listens != recipientCodec) {
                continue;
            }
            boolean newStream = recipientCodec == Codec.OPUS && m.lastHeard != recipientSlot;
            if (newStream) {
                datagram.put(MediaHeader.FLAGS_OFFSET, (byte) MediaHeader.FLAG_KEYFRAME);
                m.lastHeard = recipientSlot;
            }
            sink.send(datagram, m.mediaId, m.address);
            if (newStream) {
                datagram.put(MediaHeader.FLAGS_OFFSET, (byte) 0);
            }
        }
    }

    /**
     * Each talker's loudest header level since the last call (only those heard at all), then
     * starts a new period. Empty when nobody talked.
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

    /**
     * Whether the recent speakers changed (a new dominant speaker, or a recent one left) since the
     * last call, which starts a new period.
     */
    public boolean speakersChanged() {
        return speakers.takeChange();
    }

    /** The recent speakers' media ids, dominant first (a new list; empty before anyone spoke). */
    public List<Integer> recentSpeakers() {
        return speakers.recent();
    }

    /** Opus encoders made for talkers' own mixes (never more than K). */
    public int talkerSlots() {
        return slotsMade;
    }

    public int members() {
        return members.size();
    }

    /** Talkers mixed in the last tick. */
    public int talkers() {
        return talkers;
    }

    /** The media ids of the talkers selected in the last tick. */
    public List<Integer> selectedTalkers() {
        List<Integer> ids = new ArrayList<>();
        for (TalkerSelection.Talker t : selection.selected()) {
            ids.add(t.mediaId());
        }
        ids.sort(null);
        return ids;
    }

    /** Late frames dropped by all playout queues, present and past. */
    public long lateFrames() {
        long n = late;
        for (Member m : members.values()) {
            n += m.queue.late();
        }
        return n;
    }

    public long concealedFrames() {
        long n = concealed;
        for (Member m : members.values()) {
            n += m.queue.missing();
        }
        return n;
    }

    /** Selected talkers' frames that would not decode (corrupt Opus, a PCM frame of the wrong length). */
    public long undecodableFrames() {
        return undecodable;
    }
}
