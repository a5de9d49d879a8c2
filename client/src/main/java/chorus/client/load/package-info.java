/**
 * The load generator, {@code chorus loadtest}: light participants that only count
 * ({@code LoadParticipant}: no decoding, no jitter buffer), the measurement and its
 * {@code report.json} ({@code LoadTest}, {@code LoadReport}), sweeps over room sizes with their
 * plot, and the relay processes it measures. May use: {@code session}, {@code media},
 * {@code protocol}, picocli, Jackson; not {@code call}, {@code device}, {@code bot} or {@code ui},
 * no Swing.
 */
package chorus.client.load;
