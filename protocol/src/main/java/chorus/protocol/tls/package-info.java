/**
 * How relays and clients name a relay's TLS certificate: its SHA-256 fingerprint, as the ready
 * line, join links and known-relays files carry it. Plain Java, no dependencies.
 */
package chorus.protocol.tls;
