/**
 * The relay's UDP sockets: native epoll where it loads (Linux x86-64), with UDP GSO whole-frame
 * sends ({@link chorus.relay.media.udp.Outbox}), recvmmsg and several receive threads over
 * SO_REUSEPORT; NIO {@code DatagramChannel}s elsewhere. What a datagram means is the
 * {@link chorus.relay.media.MediaGateway}'s: these classes only move bytes.
 */
package chorus.relay.media.udp;
