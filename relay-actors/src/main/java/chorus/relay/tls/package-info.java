/**
 * The relay's TLS identity for the control port and the file service: a certificate chain and key
 * from PEM files, or a self-signed certificate made on first start and kept ({@code RelayTls}),
 * and the trust a node puts in another node's certificate for node-to-node file requests
 * ({@code PeerTrust}). Uses {@code config} only.
 */
package chorus.relay.tls;
