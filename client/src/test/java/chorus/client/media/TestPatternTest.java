package chorus.client.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TestPatternTest {

    @Test
    void framesAreValidJpegsOfTheFullSize() throws Exception {
        byte[] jpeg = new TestPattern("alice", 15).jpeg(0);
        assertEquals((byte) 0xFF, jpeg[0]);
        assertEquals((byte) 0xD8, jpeg[1], "JPEG start-of-image marker");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertNotNull(image, "ImageIO decodes it");
        assertEquals(TestPattern.WIDTH, image.getWidth());
        assertEquals(TestPattern.HEIGHT, image.getHeight());
    }

    @Test
    void consecutiveFramesDifferAndEachFrameIsReproducible() throws Exception {
        TestPattern pattern = new TestPattern("alice", 15);
        int[] picture0 = pixels(pattern.nextFrame());
        int[] picture1 = pixels(pattern.nextFrame());
        assertFalse(Arrays.equals(picture0, picture1), "the picture moves");
        byte[] frame0 = new TestPattern("alice", 15).jpeg(0);
        assertArrayEquals(frame0, new TestPattern("alice", 15).jpeg(0), "frame n is the same every time");
        assertFalse(Arrays.equals(frame0, new TestPattern("bob", 15).jpeg(0)), "the name is in the picture");
    }

    @Test
    void theBoxMovesAcrossTheBars() {
        TestPattern pattern = new TestPattern("alice", 15);
        int[] row0 = row(pattern.render(0));
        int[] row10 = row(pattern.render(10));
        assertFalse(Arrays.equals(row0, row10));
        assertTrue(row0.length == TestPattern.WIDTH);
    }

    @Test
    void theFrameCounterReadsBackFromThePictureAndFromItsJpeg() throws Exception {
        TestPattern pattern = new TestPattern("alice", 15);
        for (long index : new long[] {0, 1, 2, 977, (1 << 20) - 1}) {
            assertEquals(index, FrameCounterStrip.read(pattern.render(index)));
        }
        assertEquals(5, FrameCounterStrip.read(pattern.render((1 << 20) + 5)), "the counter wraps at 2^20");
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(pattern.jpeg(4242)));
        assertEquals(4242, FrameCounterStrip.read(decoded));
    }

    @Test
    void aPictureWithoutTheStripReadsNoCounter() {
        BufferedImage black = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
        assertEquals(-1, FrameCounterStrip.read(black), "the check bits never match all black");
        BufferedImage grey = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D g = grey.createGraphics();
        g.setColor(java.awt.Color.GRAY);
        g.fillRect(0, 0, 640, 480);
        g.dispose();
        assertEquals(-1, FrameCounterStrip.read(grey), "grey is neither bit");
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static int[] row(BufferedImage image) {
        return image.getRGB(0, TestPattern.HEIGHT * 3 / 10, TestPattern.WIDTH, 1, null, 0, TestPattern.WIDTH);
    }
}
