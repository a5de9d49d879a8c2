package chorus.client.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.Tones;
import java.nio.file.Path;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavWriterTest {
    @TempDir
    Path dir;

    @Test
    void writtenFileIsReadableWithTheRightFormatLengthAndSamples() throws Exception {
        Path file = dir.resolve("mix.wav");
        int frames = 75; // 1.5 s: more than the writer buffers, so sizes are patched mid-file too
        ToneSource tone = new ToneSource(440);
        short[] all = new short[frames * AudioFormat.FRAME_SAMPLES];
        try (WavWriter wav = new WavWriter(file)) {
            for (int i = 0; i < frames; i++) {
                short[] frame = tone.nextFrame();
                System.arraycopy(frame, 0, all, i * frame.length, frame.length);
                wav.write(frame);
            }
            assertEquals(all.length, wav.samplesWritten());
        }

        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            javax.sound.sampled.AudioFormat format = in.getFormat();
            assertEquals(javax.sound.sampled.AudioFormat.Encoding.PCM_SIGNED, format.getEncoding());
            assertEquals(48_000f, format.getSampleRate());
            assertEquals(16, format.getSampleSizeInBits());
            assertEquals(1, format.getChannels());
            assertFalse(format.isBigEndian());
            assertEquals(all.length, in.getFrameLength());
            short[] read = AudioFormat.toSamples(in.readAllBytes());
            assertEquals(all.length, read.length);
            assertEquals(0.25, Tones.amplitude(read, 48_000, 48_000 + 4_800, 440), 0.005);
            for (int i = 0; i < all.length; i += 997) {
                assertEquals(all[i], read[i], "sample " + i);
            }
        }
    }

    @Test
    void emptyRecordingIsAValidEmptyFile() throws Exception {
        Path file = dir.resolve("empty.wav");
        new WavWriter(file).close();
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            assertEquals(0, in.getFrameLength());
        }
    }
}
