package chorus.client.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
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
        ByteBuffer first = pattern.nextFrame();
        byte[] frame0 = Arrays.copyOfRange(first.array(), first.position(), first.limit());
        ByteBuffer second = pattern.nextFrame();
        byte[] frame1 = Arrays.copyOfRange(second.array(), second.position(), second.limit());
        assertFalse(Arrays.equals(frame0, frame1), "the picture moves");
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

    private static int[] row(BufferedImage image) {
        return image.getRGB(0, TestPattern.HEIGHT * 3 / 10, TestPattern.WIDTH, 1, null, 0, TestPattern.WIDTH);
    }
}
