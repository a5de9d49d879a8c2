package chorus.client.media;

import chorus.protocol.audio.AudioFormat;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Streams 48 kHz mono 16-bit PCM into a .wav file. The RIFF sizes are patched whenever buffered
 * samples are flushed (about every 0.7 s) and on close, so even a process killed mid-call leaves a
 * file that players read up to its last flush. Not thread-safe.
 */
public final class WavWriter implements Closeable {
    private static final int HEADER_BYTES = 44;
    /** RIFF sizes are 32-bit: stop before the data chunk would overflow (about 12 h of audio). */
    private static final long MAX_DATA_BYTES = 0xFFFF_FFFFL - HEADER_BYTES;

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer pending = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long dataBytes;
    private boolean closed;

    public WavWriter(Path file) throws IOException {
        this.file = file;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot create " + file + " (no such directory)", e);
        } catch (AccessDeniedException e) {
            throw new IOException("cannot create " + file + " (permission denied)", e);
        }
        writeHeader();
    }

    public Path file() {
        return file;
    }

    public void write(short[] samples) throws IOException {
        write(samples, 0, samples.length);
    }

    public void write(short[] samples, int offset, int count) throws IOException {
        if (closed) {
            throw new IOException("WAV file " + file + " is closed");
        }
        if (dataBytes + pending.position() + 2L * count > MAX_DATA_BYTES) {
            throw new IOException("WAV file " + file + " reached the format's 4 GiB limit");
        }
        for (int i = 0; i < count; i++) {
            if (!pending.hasRemaining()) {
                flush();
            }
            pending.putShort(samples[offset + i]);
        }
    }

    public long samplesWritten() {
        return (dataBytes + pending.position()) / AudioFormat.BYTES_PER_SAMPLE;
    }

    /** Writes buffered samples and brings the header's sizes up to date. */
    public void flush() throws IOException {
        pending.flip();
        while (pending.hasRemaining()) {
            dataBytes += channel.write(pending, HEADER_BYTES + dataBytes);
        }
        pending.clear();
        writeHeader();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            flush();
        } finally {
            closed = true;
            channel.close();
        }
    }

    private void writeHeader() throws IOException {
        int byteRate = AudioFormat.SAMPLE_RATE * AudioFormat.CHANNELS * AudioFormat.BYTES_PER_SAMPLE;
        header.clear();
        header.put("RIFF".getBytes(StandardCharsets.US_ASCII))
                .putInt((int) (36 + dataBytes))
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16)                                   // PCM fmt chunk size
                .putShort((short) 1)                          // PCM
                .putShort((short) AudioFormat.CHANNELS)
                .putInt(AudioFormat.SAMPLE_RATE)
                .putInt(byteRate)
                .putShort((short) (AudioFormat.CHANNELS * AudioFormat.BYTES_PER_SAMPLE))
                .putShort((short) (8 * AudioFormat.BYTES_PER_SAMPLE))
                .put("data".getBytes(StandardCharsets.US_ASCII))
                .putInt((int) dataBytes);
        header.flip();
        int at = 0;
        while (header.hasRemaining()) {
            at += channel.write(header, at);
        }
    }
}
