/**
 * A UDP impairment proxy for tests and the load generator: loss, burst loss (Gilbert-Elliott),
 * reordering, delay and jitter between clients and a relay's media port, seeded and deterministic
 * ({@code tc netem} is not available on these machines).
 */
package chorus.client.impairment;
