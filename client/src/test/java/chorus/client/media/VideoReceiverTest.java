package chorus.client.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.codec.EncodedFrame;
import chorus.client.codec.VideoEncoder;
import chorus.client.codec.VideoEncoding;
import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VideoReceiverTest {
    private static final int ALICE = 11;
    private static final int BOB = 22;
    private final Map<Integer, BufferedImage> latest = new HashMap<>();
    private final VideoReceiver receiver = new VideoReceiver(true, new DropCounts(),
            (mediaId, frame, image) -> latest.put(mediaId, image));

    @AfterEach
    void close() {
        receiver.close();
    }

    /** One sender's H.264 camera stream, fragmented as a client sends it. */
    private final class Sender implements AutoCloseable {
        final int mediaId;
        final TestPattern pattern;
        final VideoEncoder encoder = VideoEncoding.H264.newEncoder(30);
        final Fragmenter fragmenter;
        long index;

        Sender(int mediaId, String name) {
            this.mediaId = mediaId;
            this.pattern = new TestPattern(name, 30);
            this.fragmenter = new Fragmenter(MediaKind.VIDEO, mediaId, Codec.H264);
        }

        /** Encodes the next picture and hands every fragment to the receiver; returns the encoded bytes. */
        byte[] send(boolean keyframe) {
            EncodedFrame frame = encoder.encode(pattern.render(index++), keyframe);
            ByteBuffer data = frame.data();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            deliver(bytes, frame.keyframe());
            return bytes;
        }

        void deliver(byte[] bytes, boolean keyframe) {
            fragmenter.send(bytes, 0, bytes.length, index * 3000, keyframe ? MediaHeader.FLAG_KEYFRAME : 0,
                    datagram -> receiver.offer(copy(datagram), System.nanoTime()));
        }

        /** Encodes the next picture and loses it on the way (its frame id is used up). */
        void lose() {
            EncodedFrame frame = encoder.encode(pattern.render(index++), false);
            fragmenter.send(frame.data().array(), 0, 0, 0, 0, datagram -> { });
        }

        @Override
        public void close() {
            encoder.close();
        }
    }

    @Test
    void aCorruptFrameIsCountedTheOthersVideoGoesOnAndTheNextKeyframeDecodes() throws Exception {
        try (Sender alice = new Sender(ALICE, "alice"); Sender bob = new Sender(BOB, "bob")) {
            alice.send(false);
            bob.send(false);
            assertEquals(0, FrameCounterStrip.read(latest.get(ALICE)));
            assertFalse(receiver.needsKeyframe(ALICE));

            byte[] good = new TestPattern("x", 30).jpeg(0); // not H.264 at all: garbage to the decoder
            alice.index++;
            alice.deliver(good, false);
            assertNull(latest.get(ALICE), "the corrupt frame shows nothing");
            assertEquals(1, receiver.decodeErrors());
            assertTrue(receiver.needsKeyframe(ALICE), "alice's stream waits for a keyframe");

            bob.send(false);
            assertEquals(1, FrameCounterStrip.read(latest.get(BOB)), "bob's video goes on");
            assertFalse(receiver.needsKeyframe(BOB));

            alice.send(false);
            assertNull(latest.get(ALICE), "a predicted frame after the corrupt one is skipped");
            assertEquals(1, receiver.framesSkipped());
            assertEquals(1, receiver.decodeErrors(), "skipping is not a decode error");

            alice.send(true);
            assertNotNull(latest.get(ALICE));
            assertEquals(3, FrameCounterStrip.read(latest.get(ALICE)), "the keyframe decodes");
            assertFalse(receiver.needsKeyframe(ALICE));
            assertTrue(receiver.sendersNeedingKeyframe().isEmpty());
        }
    }

    @Test
    void aLostFrameMakesTheSenderNeedAKeyframe() {
        try (Sender alice = new Sender(ALICE, "alice")) {
            alice.send(false);
            alice.send(false);
            alice.lose();
            alice.send(false);
            assertNull(latest.get(ALICE), "after a gap in the frame ids the reference chain is broken");
            assertTrue(receiver.needsKeyframe(ALICE));
            assertEquals(java.util.Set.of(ALICE), receiver.sendersNeedingKeyframe());
            alice.send(true);
            assertEquals(4, FrameCounterStrip.read(latest.get(ALICE)));
            assertEquals(Map.of(ALICE, 3L), receiver.countersReadBackByMediaId(),
                    "frames 0, 1 and 4 read back");
        }
    }

    private static ByteBuffer copy(ByteBuffer datagram) {
        ByteBuffer copy = ByteBuffer.allocate(datagram.remaining());
        copy.put(datagram.duplicate()).flip();
        return copy;
    }
}
