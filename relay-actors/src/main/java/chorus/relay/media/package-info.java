/**
 * The UDP media hot path: {@code MediaGateway} owns the video and audio sockets, verifies each
 * datagram against its sender's route and forwards it by the snapshots the room actors publish
 * ({@code MediaRoute}); nothing here blocks or allocates per datagram. May use {@code mixer} (to hand
 * audio frames to a room's mixer), {@code room} (only the refs of the participants it reports
 * learned addresses to), {@code metrics} and {@code config}.
 */
package chorus.relay.media;
