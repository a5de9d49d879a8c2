/**
 * The audio format every participant and the mixer share (48 kHz, mono, 16-bit, 20 ms frames:
 * {@code AudioFormat}; Opus over Concentus: {@code OpusFormat}, {@code OpusFrameDecoder}), the
 * sender's audio level ({@code AudioLevel}) and silence suppression by it, and the playout order
 * that turns arriving frames into a steady 20 ms stream ({@code PlayoutQueue}, and
 * {@code JitterBuffer} for PCM with its concealment). Plain Java and Concentus.
 */
package chorus.protocol.audio;
