package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.AudioLevel;
import chorus.protocol.audio.OpusFormat;
import chorus.protocol.audio.OpusFrameDecoder;
import chorus.protocol.audio.Tones;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.media.Codec;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Reassembler;
import com.typesafe.config.ConfigFactory;
import io.github.jaredmdobson.concentus.OpusEncoder;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Opus through a real relay: codec negotiation at hello, and bad Opus from one sender. */
class OpusMixTest {
    private static RelayNode relay;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayNode.startOnLoopback(ConfigFactory.empty());
        OpusFormat.warmUp().join();
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    private static RawClient join(String room, String name, List<String> decodes) throws Exception {
        ControlMessage.Hello hello = new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, name, room, "raw-test");
        return RawClient.join(new RawClient(relay.controlAddress()),
                decodes == null ? hello : hello.withCodecs(new ControlMessage.Codecs(decodes, null)));
    }

    @Test
    void theMixCodecIsTheFirstOfTheHelloThatTheRelayEncodes() throws Exception {
        String room = "negotiate-" + System.nanoTime();
        try (RawClient opus = join(room, "a", List.of("opus", "pcm"));
             RawClient pcmFirst = join(room, "b", List.of("pcm", "opus"));
             RawClient unknownFirst = join(room, "c", List.of("aac", "opus"));
             RawClient nothingKnown = join(room, "d", List.of("aac"));
             RawClient legacy = join(room, "e", null)) {
            assertEquals("opus", opus.welcome.audioCodec());
            assertEquals("pcm", pcmFirst.welcome.audioCodec());
            assertEquals("opus", unknownFirst.welcome.audioCodec());
            assertEquals("pcm", nothingKnown.welcome.audioCodec(), "PCM, which every client decodes");
            assertEquals("pcm", legacy.welcome.audioCodec());
        }
    }

    @Test
    void garbageOpusFromOneSenderIsCountedAndTheOthersMixGoesOn() throws Exception {
        String room = "garbage-" + System.nanoTime();
        try (RawClient talker = join(room, "talker", List.of("opus"));
             RawClient vandal = join(room, "vandal", List.of("opus"));
             RawClient listener = join(room, "listener", List.of("opus"))) {
            for (RawClient c : List.of(talker, vandal, listener)) {
                c.openMedia();
            }
            long undecodableBefore = relay.stats().drops(DropReason.UNDECODABLE);
            Fragmenter voice = new Fragmenter(MediaKind.AUDIO, talker.welcome.mediaId(), Codec.OPUS);
            Fragmenter noise = new Fragmenter(MediaKind.AUDIO, vandal.welcome.mediaId(), Codec.OPUS);
            OpusEncoder encoder = OpusFormat.newParticipantEncoder(OpusFormat.DEFAULT_BITRATE);
            byte[] packet = new byte[OpusFormat.MAX_PACKET_BYTES];
            byte[] garbage = new byte[80];
            Random random = new Random(13);
            int frames = 100;
            long start = System.nanoTime();
            for (int f = 0; f < frames; f++) {
                short[] samples = Tones.sine(440, 0.25, (long) f * AudioFormat.FRAME_SAMPLES, AudioFormat.FRAME_SAMPLES);
                int level = AudioLevel.of(samples, samples.length);
                int length = OpusFormat.encode(encoder, samples, packet);
                voice.send(packet, 0, length, (long) f * AudioFormat.FRAME_SAMPLES, 0, level, talker::sendAudioDatagram);
                random.nextBytes(garbage);
                garbage[0] = (byte) 0xFF; // a code-3 TOC whose frame count the packet cannot hold
                // louder than the talker, so the mixer selects it and tries to decode it
                noise.send(garbage, 0, garbage.length, (long) f * AudioFormat.FRAME_SAMPLES, 0,
                        AudioLevel.VOICE_BIT | 3, vandal::sendAudioDatagram);
                LockSupport.parkNanos(start + (f + 1) * 20_000_000L - System.nanoTime()); // a sender's 20 ms clock
            }
            short[] heard = mixHeard(listener, frames - 10);
            assertTrue(heard.length >= 60 * AudioFormat.FRAME_SAMPLES, "mixes kept coming: " + heard.length / 960);
            assertTrue(Tones.amplitude(heard, 440) > 0.15, "the talker is heard: " + Tones.amplitude(heard, 440));
            assertTrue(relay.stats().drops(DropReason.UNDECODABLE) - undecodableBefore >= 50,
                    "the vandal's frames were counted: " + (relay.stats().drops(DropReason.UNDECODABLE) - undecodableBefore));
        }
    }

    @Test
    void aFloodOfTinyOpusFramesCostsTheMixerAtMostTheFramesOfTwoTalkers() throws Exception {
        String room = "flood-" + System.nanoTime();
        try (RawClient flooder = join(room, "flooder", List.of("opus"))) {
            flooder.openMedia();
            long limitedBefore = relay.stats().drops(DropReason.RATE_LIMITED);
            Fragmenter f = new Fragmenter(MediaKind.AUDIO, flooder.welcome.mediaId(), Codec.OPUS);
            byte[] tiny = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE}; // a 20 ms CELT frame of silence, 3 bytes
            for (int i = 0; i < 1000; i++) {
                f.send(tiny, 0, tiny.length, i * 960L, 0, AudioLevel.VOICE_BIT, flooder::sendAudioDatagram);
            }
            // 1000 frames of 59 bytes fit its byte allowance (64 KiB burst); its frame allowance is 100 a second
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (relay.stats().drops(DropReason.RATE_LIMITED) - limitedBefore < 800 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long limited = relay.stats().drops(DropReason.RATE_LIMITED) - limitedBefore;
            assertTrue(limited >= 800 && limited <= 1000, "frames over 100 a second dropped: " + limited);
        }
    }

    /** The listener's Opus mixes in frame order, decoded as a client decodes them. */
    private static short[] mixHeard(RawClient listener, int atLeast) throws Exception {
        Reassembler reassembler = Reassembler.forAudio();
        OpusFrameDecoder decoder = new OpusFrameDecoder();
        TreeMap<Long, Reassembler.Frame> frames = new TreeMap<>();
        while (frames.size() < atLeast) {
            ByteBuffer d = Udp.receive(listener.audio, Duration.ofSeconds(2));
            if (d == null) {
                break;
            }
            ByteBuffer clear = listener.open(d, listener.welcome.media().audioPort());
            if (clear == null || MediaHeader.kind(clear, 0) != MediaKind.AUDIO) {
                continue;
            }
            Reassembler.Frame f = reassembler.offer(clear, 0, System.nanoTime());
            if (f != null) {
                assertEquals(Codec.OPUS, f.codec(), "an Opus mix, as negotiated");
                frames.put(f.frameId(), f);
            }
        }
        short[] all = new short[frames.size() * AudioFormat.FRAME_SAMPLES];
        short[] pcm = new short[AudioFormat.FRAME_SAMPLES];
        int at = 0;
        for (Reassembler.Frame f : frames.values()) {
            if ((f.flags() & MediaHeader.FLAG_KEYFRAME) != 0) {
                decoder.reset();
            }
            assertTrue(decoder.decode(f.data(), f.data().length, pcm), "the mix decodes");
            System.arraycopy(pcm, 0, all, at, pcm.length);
            at += pcm.length;
        }
        return all;
    }
}
