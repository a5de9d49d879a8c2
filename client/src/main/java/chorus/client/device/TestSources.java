package chorus.client.device;

import chorus.client.media.TestPattern;
import chorus.client.media.ToneSource;
import java.awt.image.BufferedImage;

/** The synthetic camera and microphone: the moving test pattern and a sine tone (as the bots send). */
public final class TestSources {
    /** The id a choice of either synthetic source is remembered by. */
    public static final String ID = "test";
    /** A tone apart from the demo bots' 440 and 660 Hz, so each voice can be told apart. */
    public static final double TONE_HZ = 523.25;

    private TestSources() {
    }

    /** The test pattern with {@code name} written in it, one frame per grab. */
    public static MediaDevice<VideoCapture> pattern(String name, int fps) {
        return new MediaDevice<>() {
            @Override
            public String id() {
                return ID;
            }

            @Override
            public String label() {
                return "Test pattern";
            }

            @Override
            public VideoCapture open() {
                TestPattern pattern = new TestPattern(name, fps);
                return new VideoCapture() {
                    private long index;

                    @Override
                    public BufferedImage grab() {
                        return pattern.render(index++);
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }

    /** A sine tone at {@link #TONE_HZ}. */
    public static MediaDevice<AudioCapture> tone() {
        return tone(TONE_HZ);
    }

    /** A sine tone at {@code hz} (a test tells several apart by their frequencies). */
    public static MediaDevice<AudioCapture> tone(double hz) {
        return new MediaDevice<>() {
            @Override
            public String id() {
                return ID;
            }

            @Override
            public String label() {
                return "Test tone (" + Math.round(hz) + " Hz)";
            }

            @Override
            public AudioCapture open() {
                ToneSource tone = new ToneSource(hz);
                return new AudioCapture() {
                    @Override
                    public void read(short[] frame) {
                        tone.read(frame);
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }
}
