/**
 * JMH micro-benchmarks of the relay's and the protocol's hot paths (a video datagram's checks,
 * header codec, fragmentation, a mixer tick with and without its sends); run with
 * {@code ./chorus bench}, figures in docs/BENCHMARKS.md. May use everything; nothing uses it.
 */
package chorus.bench;
