/**
 * What only a clustered node needs beside its rooms: the shared secret and the peers' endpoints
 * ({@code ClusterPeers}, {@code NodeDirectory}), the join check that keeps out a node with another
 * secret ({@code SecretCheck}) and, on Kubernetes, the Secret the relays share it through
 * ({@code KubernetesSecret}), the graceful drain on SIGTERM ({@code Drain},
 * {@code DrainReadiness}) and the marker for node-to-node messages ({@code CborSerializable}).
 * May use {@code room} (to tell rooms to drain).
 */
package chorus.relay.cluster;
