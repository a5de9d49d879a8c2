package chorus.protocol.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.AudioLevel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The sealed examples of PROTOCOL.md Appendix A are asserted here, byte for byte, each once. */
class MediaCipherTest {
    private static final int MEDIA_ID = 17;
    private final byte[] key = new byte[32];

    MediaCipherTest() {
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
    }

    private static ByteBuffer hello() {
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        Fragmenter.encodeSignal(clear, MediaKind.HELLO, 0x0001_0002, 0);
        return clear;
    }

    @Test
    void aDatagramOpensOnlyOnItsOwnChannelAndInItsOwnDirection() {
        ByteBuffer d = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        new MediaCipher(key).seal(hello(), MediaHeader.HEADER_LENGTH, 7, MediaCipher.AUDIO_CHANNEL,
                MediaCipher.CLIENT_TO_RELAY, d);
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        MediaCipher opener = new MediaCipher(key);
        assertTrue(opener.open(d, d.limit(), MediaCipher.AUDIO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, clear));
        assertFalse(opener.open(d, d.limit(), MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, clear),
                "copied to the video port");
        assertFalse(opener.open(d, d.limit(), MediaCipher.AUDIO_CHANNEL, MediaCipher.RELAY_TO_CLIENT, clear),
                "reflected back to the client");
        assertFalse(opener.open(d, d.limit(), MediaCipher.AUDIO_CHANNEL, MediaCipher.NODE_TO_NODE, clear));
    }

    /** PROTOCOL.md Appendix A.1, and the same tag from the JDK's AES-GCM used directly with the nonce and AD of §3.4. */
    @Test
    void appendixA1HelloIsAesGcmWithTheSpecifiedNonceAndAssociatedData() throws Exception {
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        Fragmenter.encodeSignal(clear, MediaKind.HELLO, MEDIA_ID, 0);
        ByteBuffer d = new MediaSealer(key, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY).seal(clear);
        assertEquals("43480304000000000000001100000000000000000000000000000001000000000000000000000000"
                + "a261285e0efff5441ebd27cb130120d7", hex(d));

        byte[] header = new byte[MediaHeader.HEADER_LENGTH];
        d.get(0, header);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] nonce = HexFormat.of().parseHex("010000000000000000000000");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        gcm.updateAAD(header);
        byte[] sent = new byte[MediaHeader.TAG_LENGTH];
        d.get(MediaHeader.HEADER_LENGTH, sent);
        assertArrayEquals(gcm.doFinal(), sent);
    }

    @Test
    void appendixA2Keepalive() {
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        Fragmenter.encodeSignal(clear, MediaKind.KEEPALIVE, MEDIA_ID, 3);
        ByteBuffer d = new MediaSealer(key, MediaCipher.AUDIO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, 3).seal(clear);
        assertEquals("43480305000000000000001100000003000000000000000300000001000000000000000000000003"
                + "f34f90858a6cd29022f94d42c6336f53", hex(d));
    }

    @Test
    void appendixA3VideoAsSentAndAsForwarded() {
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        byte[] jpeg = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xd9};
        new Fragmenter(MediaKind.VIDEO, MEDIA_ID, Codec.JPEG).send(jpeg, 0, jpeg.length, 3000,
                MediaHeader.FLAG_KEYFRAME, c -> clear.put(0, c, 0, c.limit()).limit(c.limit()));
        ByteBuffer sent = new MediaSealer(key, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, 5).seal(clear);
        assertEquals("4348030101010004000000110000000000000bb80000000000000001000000000000000000000005"
                + "d5cb225f" + "72b230d16280d19ab713895a16e1e688", hex(sent));

        ByteBuffer opened = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        assertTrue(new MediaCipher(key).open(sent, sent.limit(), MediaCipher.VIDEO_CHANNEL,
                MediaCipher.CLIENT_TO_RELAY, opened));
        ByteBuffer forwarded = new MediaSealer(key, MediaCipher.VIDEO_CHANNEL, MediaCipher.RELAY_TO_CLIENT, 9)
                .seal(opened);
        assertEquals("4348030101010004000000110000000000000bb80000000000000001000000000000000000000009"
                + "01b98a58" + "ebfc0a0f362927427fe1d4189b3157e6", hex(forwarded));
    }

    @Test
    void appendixA4ChallengeResponseAndHelloAck() {
        long cookie = 0x0102_0304_0506_0708L;
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        MediaSealer relay = new MediaSealer(key, MediaCipher.VIDEO_CHANNEL, MediaCipher.RELAY_TO_CLIENT);
        Fragmenter.encodeCookie(clear, MediaKind.CHALLENGE, MEDIA_ID, 0, cookie);
        assertEquals("43480306000000080000001100000000000000000000000000000001000000000000000000000000"
                + "1a4a60cf896a4b4d" + "114b747edb0042375629e3b62add82cf", hex(relay.seal(clear)));

        Fragmenter.encodeCookie(clear, MediaKind.RESPONSE, MEDIA_ID, 1, cookie);
        ByteBuffer response = new MediaSealer(key, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, 1)
                .seal(clear);
        assertEquals("43480307000000080000001100000001000000000000000100000001000000000000000000000001"
                + "06d76d300f7cb399" + "b7062e04a4a7a291afaa080d8baa1b22", hex(response));

        Fragmenter.encodeSignal(clear, MediaKind.HELLO, MEDIA_ID, 1);
        assertEquals("43480304000000000000001100000001000000000000000100000001000000000000000000000001"
                + "475ed80f274a3aecaeaec80ae4237ec4", hex(relay.seal(clear)));
    }

    /** Frame 0 a square wave of ±3277 (RMS 0.1 of full scale: -20 dBov, voice), frame 1 digital silence. */
    @Test
    void appendixA5AudioHeadersCarryTheFramesLevels() {
        short[] voice = new short[AudioFormat.FRAME_SAMPLES];
        for (int i = 0; i < voice.length; i++) {
            voice[i] = (short) (i % 2 == 0 ? 3277 : -3277);
        }
        short[] silence = new short[AudioFormat.FRAME_SAMPLES];
        assertEquals(0x94, AudioLevel.of(voice, voice.length));
        assertEquals(0x7f, AudioLevel.of(silence, silence.length));

        Fragmenter audio = new Fragmenter(MediaKind.AUDIO, MEDIA_ID, Codec.PCM16);
        MediaSealer sealer = new MediaSealer(key, MediaCipher.AUDIO_CHANNEL, MediaCipher.CLIENT_TO_RELAY);
        List<String> headers = new ArrayList<>();
        Fragmenter.PacketSink sink = clear -> {
            ByteBuffer d = sealer.seal(clear);
            assertEquals(1016, d.limit());
            headers.add(HexFormat.of().formatHex(d.array(), 0, MediaHeader.HEADER_LENGTH));
        };
        byte[] pcm = new byte[AudioFormat.FRAME_BYTES];
        audio.send(pcm, 0, pcm.length, 0, 0, AudioLevel.of(voice, voice.length), sink);
        audio.send(pcm, 0, pcm.length, 960, 0, AudioLevel.of(silence, silence.length), sink);
        assertEquals(List.of(
                "43480302000203c0000000110000000000000000000000000000000294000000" + "0000000000000000",
                "43480302000203c0000000110000000100000000000000000001000294000000" + "0000000000000001",
                "43480302000203c00000001100000002000003c000000001000000027f000000" + "0000000000000002",
                "43480302000203c00000001100000003000003c000000001000100027f000000" + "0000000000000003"),
                headers);
    }

    /** PROTOCOL.md §5.2: fragment 0 of the relay's mix of tick 5, in clear (sequence 0 here). */
    @Test
    void section52MixHeader() {
        List<String> headers = new ArrayList<>();
        byte[] pcm = new byte[AudioFormat.FRAME_BYTES];
        new Fragmenter(MediaKind.AUDIO, MediaHeader.RELAY_MEDIA_ID, Codec.PCM16).nextFrameId(5)
                .send(pcm, 0, pcm.length, 5 * 960, 0,
                        clear -> headers.add(HexFormat.of().formatHex(clear.array(), 0, MediaHeader.HEADER_LENGTH)));
        assertEquals("43480302000203c000000000000000000000" + "12c0" + "000000050000" + "0002" + "7f000000"
                + "0000000000000000", headers.get(0));
    }

    @Test
    void appendixA5NodeKey() {
        assertEquals("41349ebcdb6c7528af2d5ae24fc41298012e60e8c35b302ae3276735d3577456",
                HexFormat.of().formatHex(MediaCipher.nodeKey("secret", "pekko://chorus@127.0.0.1:25520")));
    }

    private static String hex(ByteBuffer datagram) {
        return HexFormat.of().formatHex(datagram.array(), datagram.arrayOffset(), datagram.limit());
    }

    @Test
    void thePayloadIsNotSentInClear() {
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        byte[] secret = "the chorus rehearses at nine".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        new Fragmenter(MediaKind.VIDEO, 3, Codec.JPEG).send(secret, 0, secret.length, 0, 0, c -> clear.put(0, c, 0, c.limit()).limit(c.limit()));
        ByteBuffer d = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        new MediaCipher(key).seal(clear, clear.limit(), 0, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY, d);
        String wire = new String(d.array(), 0, d.limit(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(wire.contains("chorus"), "plaintext visible on the wire");
        assertNotEquals(MediaHeader.clearLength(clear, 0), d.limit());
        assertEquals(clear.limit() + MediaHeader.TAG_LENGTH, d.limit());
    }

    @Test
    void nodeKeysDifferPerNodeAndAgreeAcrossNodes() {
        assertArrayEquals(MediaCipher.nodeKey("s3cret", "pekko://chorus@10.0.0.1:25520"),
                MediaCipher.nodeKey("s3cret", "pekko://chorus@10.0.0.1:25520"));
        assertFalse(java.util.Arrays.equals(MediaCipher.nodeKey("s3cret", "pekko://chorus@10.0.0.1:25520"),
                MediaCipher.nodeKey("s3cret", "pekko://chorus@10.0.0.2:25520")));
        assertFalse(java.util.Arrays.equals(MediaCipher.nodeKey("s3cret", "a"), MediaCipher.nodeKey("other", "a")));
    }
}
