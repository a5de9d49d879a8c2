/**
 * Whom the client trusts to be the relay it asked for (PROTOCOL.md §1.1): a fingerprint given
 * explicitly, else a certificate valid under the JVM's trust store for the host name, else trust on
 * first use as SSH and Mumble do, the fingerprints kept in a known-relays file
 * ({@link chorus.client.tls.KnownRelays}). {@link chorus.client.tls.RelayTrust} is the policy,
 * {@link chorus.client.tls.RelayTrustManager} applies it during the handshake. May use
 * {@code protocol} only.
 */
package chorus.client.tls;
