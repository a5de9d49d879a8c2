package chorus.client.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chorus.client.codec.EncodedFrame;
import chorus.client.codec.H264Encoder;
import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.Reassembler;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** One decoder per sender follows one simulcast layer and moves to another at its keyframe, without a decode error. */
class LayerSwitchTest {
    private static Reassembler.Frame frame(long id, EncodedFrame encoded) {
        ByteBuffer data = encoded.data();
        byte[] bytes = Arrays.copyOfRange(data.array(), data.arrayOffset() + data.position(),
                data.arrayOffset() + data.limit());
        return new Reassembler.Frame(id, id * 3000, Codec.H264, encoded.keyframe() ? MediaHeader.FLAG_KEYFRAME : 0, bytes);
    }

    @Test
    void aKeyframeOfAnotherLayerMovesTheDecoderThereAndItsOtherFramesAreLeftAlone() {
        TestPattern small = new TestPattern("ada", 15);
        TestPattern large = new TestPattern("ada", 15);
        IncomingVideo incoming = new IncomingVideo(new LongAdder());
        try (H264Encoder layer0 = new H264Encoder(150_000, 15, 60); H264Encoder layer2 = new H264Encoder(800_000, 15, 60)) {
            for (long i = 0; i < 5; i++) {
                Reassembler.Frame f = frame(i, layer0.encode(LocalScale.to(small.nextFrame(), 120), false));
                assertEquals(IncomingVideo.Outcome.DECODED, incoming.decode(f, 0), "layer 0 frame " + i);
                assertEquals(120, incoming.image().getHeight());
            }
            // Layer 2's frame ids start afresh and mean nothing to layer 0's chain.
            layer2.encode(large.nextFrame(), true); // layer 2 ran before the switch: frames 0 and 1
            Reassembler.Frame before = frame(1, layer2.encode(large.nextFrame(), false));
            assertEquals(IncomingVideo.Outcome.OTHER_LAYER, incoming.decode(before, 2), "not a keyframe: stays on layer 0");
            Reassembler.Frame key2 = frame(2, layer2.encode(large.nextFrame(), true));
            assertEquals(0, incoming.layer());
            assertEquals(IncomingVideo.Outcome.DECODED, incoming.decode(key2, 2));
            assertEquals(2, incoming.layer());
            assertEquals(480, incoming.image().getHeight());
            for (long i = 3; i < 7; i++) {
                Reassembler.Frame f = frame(i, layer2.encode(large.nextFrame(), false));
                assertEquals(IncomingVideo.Outcome.DECODED, incoming.decode(f, 2), "layer 2 frame " + i);
                assertEquals(640, incoming.image().getWidth());
            }
            Reassembler.Frame late0 = frame(5, layer0.encode(LocalScale.to(small.nextFrame(), 120), false));
            assertEquals(IncomingVideo.Outcome.OTHER_LAYER, incoming.decode(late0, 0), "layer 0 left alone");
            assertEquals(false, incoming.needsKeyframe());
        } finally {
            incoming.close();
        }
    }

    /** The picture scaled as a layer is sent. */
    private static final class LocalScale {
        static java.awt.image.BufferedImage to(java.awt.image.BufferedImage image, int height) {
            int width = image.getWidth() * height / image.getHeight();
            java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(width, height,
                    java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
            java.awt.Graphics2D g = out.createGraphics();
            g.drawImage(image, 0, 0, width, height, null);
            g.dispose();
            return out;
        }
    }
}
