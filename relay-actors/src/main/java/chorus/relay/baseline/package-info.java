/**
 * Not part of the relay: the raw forwarder the load generator runs beside the relay as its
 * baseline (the same wire protocol forwarded by one thread with no actors). It counts into the relay's {@code metrics.RelayStats}; no relay code uses it.
 */
package chorus.relay.baseline;
