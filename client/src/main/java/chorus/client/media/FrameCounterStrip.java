package chorus.client.media;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * A frame counter drawn as a row of big black and white blocks along the bottom of the test
 * pattern, so a receiver can read it back after lossy compression: 20 bits of the frame index
 * and a 4-bit check, one block per bit, most significant first, each read by thresholding the
 * mean brightness of its middle. Positions are fractions of the picture, so a scaled copy reads too.
 */
public final class FrameCounterStrip {
    public static final int COUNTER_BITS = 20;
    static final int CHECK_BITS = 4;
    static final int BLOCKS = COUNTER_BITS + CHECK_BITS;
    /** The strip's height as a fraction of the picture's (24 px of 480). */
    static final double HEIGHT_FRACTION = 0.05;
    /** A block's middle must be clearly dark or clearly light to count as a bit. */
    private static final int DARK = 80;
    private static final int LIGHT = 176;

    private FrameCounterStrip() {
    }

    /** Draws {@code index} (modulo 2^20) across the bottom of a {@code width} x {@code height} picture. */
    public static void draw(Graphics2D g, long index, int width, int height) {
        int value = (int) (index & ((1 << COUNTER_BITS) - 1));
        long bits = ((long) value << CHECK_BITS) | check(value);
        int top = height - stripHeight(height);
        for (int i = 0; i < BLOCKS; i++) {
            boolean one = ((bits >> (BLOCKS - 1 - i)) & 1) != 0;
            g.setColor(one ? Color.WHITE : Color.BLACK);
            int x0 = blockLeft(i, width);
            g.fillRect(x0, top, blockLeft(i + 1, width) - x0, height - top);
        }
    }

    /**
     * The counter drawn in {@code image} (modulo 2^20), or -1 when it cannot be read: a block that is
     * neither dark nor light, or a check that does not match.
     */
    public static long read(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int strip = stripHeight(height);
        int top = height - strip;
        long bits = 0;
        for (int i = 0; i < BLOCKS; i++) {
            int x0 = blockLeft(i, width);
            int x1 = blockLeft(i + 1, width);
            int brightness = meanBrightness(image, x0 + (x1 - x0) / 4, top + strip / 4, x1 - (x1 - x0) / 4,
                    height - strip / 4);
            if (brightness > DARK && brightness < LIGHT) {
                return -1;
            }
            bits = (bits << 1) | (brightness >= LIGHT ? 1 : 0);
        }
        int value = (int) (bits >> CHECK_BITS);
        return (bits & ((1 << CHECK_BITS) - 1)) == check(value) ? value : -1;
    }

    /** The 4-bit check: the counter's five nibbles XORed, plus one so an all-black strip never reads. */
    static int check(int value) {
        int x = 0;
        for (int shift = 0; shift < COUNTER_BITS; shift += CHECK_BITS) {
            x ^= (value >> shift) & 0xF;
        }
        return (x + 1) & 0xF;
    }

    private static int stripHeight(int height) {
        return Math.max(4, (int) Math.round(height * HEIGHT_FRACTION));
    }

    private static int blockLeft(int i, int width) {
        return (int) ((long) i * width / BLOCKS);
    }

    private static int meanBrightness(BufferedImage image, int x0, int y0, int x1, int y1) {
        long sum = 0;
        int n = 0;
        for (int y = y0; y < Math.max(y0 + 1, y1); y++) {
            for (int x = x0; x < Math.max(x0 + 1, x1); x++) {
                int rgb = image.getRGB(x, y);
                sum += (((rgb >> 16) & 0xFF) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF)) / 3;
                n++;
            }
        }
        return (int) (sum / n);
    }
}
