/**
 * The TCP control channel: the server that accepts connections, the framing of 4-byte
 * length-prefixed JSON frames, and one {@code Connection} actor per client that speaks the control
 * protocol (hello, welcome, chat, screen share, pings) and hands the participant to its room;
 * also the Pekko logging filter that turns the TCP listener's accept errors into a count, so the
 * server can pause listening when file descriptors run out.
 * May use {@code room}, {@code media} (to register a participant), {@code files} (file tokens),
 * {@code cluster} (resume tokens, node endpoints) and {@code config}.
 */
package chorus.relay.control;
