package chorus.relay.media.udp;

/** Which UDP implementation the relay's media sockets use ({@code chorus.relay.media.udp.transport}). */
public enum UdpTransport {
    /** Native epoll where it loads, else NIO (chosen at start and logged). */
    AUTO,
    /** Native epoll or fail to start. */
    EPOLL,
    /** {@code java.nio} datagram channels: a datagram per send, no GSO. */
    NIO;

    public static UdpTransport parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("chorus.relay.media.udp.transport must be auto, epoll or nio, not \"" + value + "\"");
        }
    }
}
