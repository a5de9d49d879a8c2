package chorus.client.session;

import chorus.protocol.media.MediaHeader;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of a media session's two UDP sockets: bound to port 0 of the relay's address family on the
 * wildcard address (the relay learns where it is from its signed hello), sending to the relay's
 * port, and read by a thread of its own that hands every datagram on until the socket is closed.
 */
final class MediaSocket {
    private static final Logger log = LoggerFactory.getLogger(MediaSocket.class);
    /** Room for a burst of forwarded video from several senders while a frame is being decoded. */
    private static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    /** Told of each datagram received, on the socket's receive thread; {@code buffer} holds it from 0. */
    interface Receiver {
        void onDatagram(ByteBuffer buffer, int length, SocketAddress from);
    }

    private final String what;
    private final InetSocketAddress relay;
    private final DatagramChannel channel;
    private final AtomicLong sendErrors;
    private Thread receiving;
    private volatile boolean closed;

    private MediaSocket(String what, InetSocketAddress relay, DatagramChannel channel, AtomicLong sendErrors) {
        this.what = what;
        this.relay = relay;
        this.channel = channel;
        this.sendErrors = sendErrors;
    }

    /** @param sendErrors counts the datagrams that could not be sent (the first is logged) */
    static MediaSocket open(String what, InetSocketAddress relay, AtomicLong sendErrors) throws IOException {
        InetAddress address = relay.getAddress();
        boolean v6 = address instanceof Inet6Address;
        DatagramChannel channel = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            channel.bind(new InetSocketAddress(InetAddress.getByName(v6 ? "::" : "0.0.0.0"), 0));
            return new MediaSocket(what, relay, channel, sendErrors);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    void send(ByteBuffer datagram) {
        try {
            channel.send(datagram, relay);
        } catch (ClosedChannelException e) {
            // closing: the datagram is simply not sent
        } catch (IOException e) {
            if (sendErrors.getAndIncrement() == 0) {
                log.warn("cannot send media to {}: {}", relay, e.getMessage());
            }
        }
    }

    /** Starts the receive thread; a receiver's failure is given to {@code failed} and receiving goes on. */
    void startReceiving(ThreadFactory threads, Receiver receiver, Consumer<RuntimeException> failed) {
        receiving = threads.newThread(() -> receiveLoop(receiver, failed));
        receiving.start();
    }

    private void receiveLoop(Receiver receiver, Consumer<RuntimeException> failed) {
        // One byte over the largest datagram: an oversized one arrives truncated to a length that fails validation.
        ByteBuffer buffer = ByteBuffer.allocateDirect(MediaHeader.MAX_DATAGRAM + 1);
        while (!closed) {
            buffer.clear();
            SocketAddress from;
            try {
                from = channel.receive(buffer); // blocks until a datagram arrives or the socket is closed
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                log.debug("receive failed on the {} socket: {}", what, e.getMessage());
                continue;
            }
            if (from == null) {
                continue;
            }
            try {
                receiver.onDatagram(buffer, buffer.position(), from);
            } catch (RuntimeException e) {
                failed.accept(e); // a listener's bug must not stop receiving
            }
        }
    }

    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Closes the socket, which ends the receive thread. */
    void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do: the socket is going away
        }
    }

    /** Waits (at most {@code millis}) for the receive thread to end. */
    void awaitReceiver(long millis) {
        Thread t = receiving;
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
