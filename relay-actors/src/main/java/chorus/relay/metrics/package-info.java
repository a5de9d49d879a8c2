/**
 * The relay's counters ({@code RelayStats}, written on the hot path without locks) and their
 * Prometheus exposition on {@code /metrics} ({@code Metrics}). Uses nothing else of the relay.
 */
package chorus.relay.metrics;
