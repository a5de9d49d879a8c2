/**
 * File sharing: the HTTP file service (uploads and downloads, Pekko HTTP), the files on disk per
 * room ({@code FileStore}), the bearer tokens that admit a participant to its room's files
 * ({@code FileAccess}) and, in a cluster, the copies and fetches of file bytes between nodes
 * ({@code PeerFiles}). May use {@code room} (to ask a room for its index), {@code cluster}
 * (node-to-node copies) and {@code metrics}.
 */
package chorus.relay.files;
