/**
 * Not part of the relay: the raw forwarder the load generator runs beside the relay as its
 * baseline (the same wire protocol forwarded with no actors, one thread per port), sending with
 * one {@code send} per datagram ({@code --send plain}) or a frame per receiver as one UDP GSO send
 * ({@code --send gso}). It counts into the relay's {@code metrics.RelayStats}; no relay code uses it.
 */
package chorus.relay.baseline;
