package chorus.client.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.audio.AudioLevel;
import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.MediaSealer;
import chorus.protocol.media.Reassembler;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClipWriterTest {
    private final byte[] key = MediaCipher.newKey();

    /** Copies of every datagram of one frame, as they would be sent. */
    private List<ByteBuffer> frame(ClipWriter writer, MediaClip.Frame frame) {
        MediaSealer sealer = new MediaSealer(key, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY);
        List<ByteBuffer> datagrams = new ArrayList<>();
        for (int i = 0; i < frame.fragments(); i++) {
            ByteBuffer d = writer.fragment(frame, 17, 100 + i, 3000, 7, i, sealer);
            ByteBuffer copy = ByteBuffer.allocate(d.remaining());
            copy.put(d).flip();
            datagrams.add(copy);
        }
        return datagrams;
    }

    @Test
    void everyFragmentIsWellFormedOpensWithTheSendersKeyAndTheFrameReassemblesUntouched() {
        MediaClip clip = MediaClip.syntheticVideo(20_000);
        ClipWriter writer = new ClipWriter(clip);
        MediaCipher opener = new MediaCipher(key);
        MediaCipher stranger = new MediaCipher(MediaCipher.newKey());
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        List<ByteBuffer> datagrams = frame(writer, clip.frame(0));
        assertEquals(17, datagrams.size());
        Reassembler reassembler = Reassembler.forVideo();
        Reassembler.Frame rebuilt = null;
        for (int i = 0; i < datagrams.size(); i++) {
            ByteBuffer d = datagrams.get(i);
            assertNull(MediaHeader.validate(d, 0, d.remaining()), "fragment " + i);
            assertFalse(stranger.open(d, d.remaining(), MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, clear));
            assertTrue(opener.open(d, d.remaining(), MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, clear));
            MediaHeader h = new MediaHeader().wrap(clear, 0);
            assertEquals(MediaKind.VIDEO, h.kind());
            assertEquals(17, h.mediaId());
            assertEquals(100 + i, h.sequence());
            assertEquals(7, h.frameId());
            assertEquals(i, h.fragmentIndex());
            assertEquals(MediaHeader.FLAG_KEYFRAME, h.flags());
            assertEquals(Codec.JPEG, h.codec());
            rebuilt = reassembler.offer(clear, 0, 0);
        }
        assertArrayEquals(clip.frame(0).data(), rebuilt.data(), "the payload is the clip's bytes, nothing written into it");
    }

    @Test
    void fragmentSizesFollowTheProtocolsNearEqualRule() {
        // PROTOCOL.md §3.5: 40000 bytes = 33 x 1177 + 1159; 2401 = 801, 801, 799; 1920 = 960, 960
        MediaClip.Frame big = new MediaClip.Frame(new byte[40_000], 1, 0);
        assertEquals(34, big.fragments());
        assertEquals(1177, ClipWriter.payloadLength(big, 0));
        assertEquals(1159, ClipWriter.payloadLength(big, 33));
        MediaClip.Frame odd = new MediaClip.Frame(new byte[2401], 1, 0);
        assertEquals(List.of(801, 801, 799), List.of(ClipWriter.payloadLength(odd, 0), ClipWriter.payloadLength(odd, 1),
                ClipWriter.payloadLength(odd, 2)));
    }

    @Test
    void pcmClipsCarryTheirLevelAndLoopOverOneSecond() {
        MediaClip tone = MediaClip.pcm(LoadClips.TALKER_HZ);
        MediaClip silence = MediaClip.pcm(0);
        assertEquals(50, tone.frames().size());
        assertEquals(AudioLevel.SILENCE, silence.frame(3).audioLevel());
        // a quarter-scale sine: RMS 0.177 of full scale, -15.05 dBov, rounded down to -16
        assertEquals(-16, AudioLevel.dBovOf(tone.frame(3).audioLevel()));
        assertTrue(AudioLevel.voice(tone.frame(3).audioLevel()));
        assertTrue(tone.frame(50) == tone.frame(0), "frame 50 is the loop's first again");
        ClipWriter writer = new ClipWriter(tone);
        ByteBuffer d = writer.fragment(tone.frame(0), 5, 0, 0, 0, 0,
                new MediaSealer(key, MediaCipher.AUDIO_CHANNEL, MediaCipher.CLIENT_TO_RELAY));
        assertEquals(tone.frame(0).audioLevel(), MediaHeader.audioLevel(d, 0), "the level is in the clear header");
    }

    @Test
    void opusClipsAreTheClientsEncoderOutputWithSilenceSuppressedAsTheClientsDo() {
        MediaClip tone = MediaClip.opus(LoadClips.TALKER_HZ);
        MediaClip silence = MediaClip.opus(0);
        assertEquals(Codec.OPUS, tone.codec());
        assertEquals(100, tone.frames().size());
        assertTrue(tone.frames().stream().allMatch(MediaClip.Frame::sent), "a talker sends every frame");
        long sent = silence.frames().stream().filter(MediaClip.Frame::sent).count();
        assertEquals(100 / chorus.protocol.audio.SilenceSuppression.KEEPALIVE_FRAMES, sent, "one silent frame in 20");
        // 32 kbit/s Opus: about 80 bytes a frame, far from PCM's 1920
        assertTrue(tone.meanFrameBytes() > 20 && tone.meanFrameBytes() < 200, "mean " + tone.meanFrameBytes());
        chorus.protocol.audio.OpusFrameDecoder decoder = new chorus.protocol.audio.OpusFrameDecoder();
        short[] samples = new short[chorus.protocol.audio.AudioFormat.FRAME_SAMPLES];
        for (MediaClip.Frame f : tone.frames()) {
            assertTrue(decoder.decode(f.data(), f.data().length, samples), "every frame decodes");
        }
    }

    @Test
    void sendStampsGiveBackWhatWasRecordedUntilTheRingOverwritesIt() {
        long epoch = System.nanoTime();
        SendStamps stamps = new SendStamps(8, epoch);
        assertEquals(SendStamps.UNKNOWN, stamps.entry(3), "never sent");
        stamps.record(3, true, epoch + 12_345);
        stamps.record(4, false, epoch + 99);
        long three = stamps.entry(3);
        assertEquals(epoch + 12_345, stamps.sentAt(three));
        assertTrue(SendStamps.measured(three));
        assertFalse(SendStamps.measured(stamps.entry(4)));
        stamps.record(11, true, epoch + 5); // same slot as 3
        assertEquals(SendStamps.UNKNOWN, stamps.entry(3), "overwritten by a later sequence");
        assertEquals(epoch + 5, stamps.sentAt(stamps.entry(11)));
        stamps.record(0xFFFF_FFFFL, true, epoch + 7);
        assertEquals(epoch + 7, stamps.sentAt(stamps.entry(0xFFFF_FFFFL)), "the top of the 32-bit sequence space");
    }
}
