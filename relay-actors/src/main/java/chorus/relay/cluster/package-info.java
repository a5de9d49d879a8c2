/**
 * What only a clustered node needs beside its rooms: the shared secret and the peers' endpoints
 * ({@code ClusterPeers}, {@code NodeDirectory}), the join check that keeps out a node with another
 * secret ({@code SecretCheck}), the certificates of Artery's mutual TLS ({@code ClusterCertificates},
 * {@code chorus cluster-certs} in {@code ClusterCertsMain}, {@code ClusterTls}, and a relay alone's
 * own in {@code EphemeralTls}) and, on Kubernetes, the Secrets the relays share them through
 * ({@code KubernetesSecret}, {@code KubernetesFiles}), the graceful drain on SIGTERM ({@code Drain},
 * {@code DrainReadiness}) and the marker for node-to-node messages ({@code CborSerializable}).
 * May use {@code room} (to tell rooms to drain).
 */
package chorus.relay.cluster;
