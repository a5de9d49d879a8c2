/**
 * Media primitives, headless and free of sockets and devices: the reassembly, decoding (one
 * decoder per sender, from {@code codec}) and loss counting of received video ({@link chorus.client.media.VideoReceiver},
 * {@link chorus.client.media.SequenceLoss}); the jitter buffer and playout of the relay's mix
 * ({@link chorus.client.media.AudioPlayout}, {@link chorus.client.media.AudioSink}); the counts of
 * datagrams dropped; the speaking detector; the synthetic sources (test pattern with its frame
 * counter strip, test screen, tone) and the WAV writer. May use: {@code protocol}, {@code codec},
 * {@code java.awt.image} and ImageIO; no other client package, no Swing.
 */
package chorus.client.media;
