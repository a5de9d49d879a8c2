/**
 * The audio format every participant and the mixer share (48 kHz, mono, 16-bit, 20 ms frames:
 * {@code AudioFormat}) and the jitter buffer that turns arriving frames into a steady 20 ms
 * stream ({@code JitterBuffer}). Plain Java.
 */
package chorus.protocol.audio;
