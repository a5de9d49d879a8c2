/**
 * One connection to a relay: {@link chorus.client.session.ChorusClient} ties the control
 * connection ({@link chorus.client.session.ControlConnection}: framing, hello and welcome, pings)
 * and the media session ({@link chorus.client.session.MediaSession}: the two UDP sockets, their
 * hellos, sending and receiving) together, keeps the roster, and writes the room's chat, files
 * offered and presenter into a {@link chorus.client.session.RoomState}. Its options, snapshots,
 * listener and the relay's refusals live here too. May use: {@code media}, {@code codec}, {@code files},
 * {@code protocol}; not {@code device}, {@code call}, {@code bot} or {@code ui}.
 */
package chorus.client.session;
