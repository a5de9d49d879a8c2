/**
 * The client side of the relay's file service (PROTOCOL.md section 7):
 * {@link chorus.client.files.FileTransfers} over {@code java.net.http.HttpClient}, uploads streamed
 * from files and downloads streamed to files, checked against their SHA-256 and cancellable by an
 * interrupt, and the safe names downloads are saved under. May use: {@code protocol} (FileInfo,
 * error codes), Jackson, {@code java.net.http}; no other client package.
 */
package chorus.client.files;
