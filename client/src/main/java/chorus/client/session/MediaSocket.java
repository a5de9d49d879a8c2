package chorus.client.session;

import chorus.client.media.DropCounts;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaSealer;
import chorus.protocol.media.ReplayWindow;
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
 * wildcard address (the relay learns where it is from its hello and the challenge it answers),
 * sending to the relay's port, and read by a thread of its own until the socket is closed. Every
 * datagram is sealed on the way out (AES-256-GCM, this socket's channel, client to relay, the
 * socket's own packet counter) and opened on the way in (relay to client, after a replay check);
 * only what came from the relay's endpoint, is well formed, fresh and opens is handed on.
 */
final class MediaSocket {
    private static final Logger log = LoggerFactory.getLogger(MediaSocket.class);
    /** Room for a burst of forwarded video from several senders while a frame is being decoded. */
    private static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    /**
     * Told of each datagram received that opened, on the socket's receive thread; {@code clear}
     * holds it from 0, decrypted (header and payload, no tag).
     */
    interface Receiver {
        void onDatagram(ByteBuffer clear, int length, SocketAddress from);
    }

    private final String what;
    private final InetSocketAddress relay;
    private final DatagramChannel channel;
    private final AtomicLong sendErrors;
    private final int channelNumber;
    private final byte[] key;
    private final DropCounts drops;
    /** Guarded by itself: video, screen and signalling are sealed and sent from different threads. */
    private final MediaSealer sealer;
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private Thread receiving;
    private volatile boolean closed;

    private MediaSocket(String what, InetSocketAddress relay, DatagramChannel channel, AtomicLong sendErrors,
                        byte[] key, int channelNumber, DropCounts drops) {
        this.what = what;
        this.relay = relay;
        this.channel = channel;
        this.sendErrors = sendErrors;
        this.key = key;
        this.channelNumber = channelNumber;
        this.drops = drops;
        this.sealer = new MediaSealer(key, channelNumber, MediaCipher.CLIENT_TO_RELAY);
    }

    /**
     * @param sendErrors    counts the datagrams that could not be sent (the first is logged)
     * @param channelNumber {@link MediaCipher#VIDEO_CHANNEL} or {@link MediaCipher#AUDIO_CHANNEL}
     * @param drops         counts what is received and thrown away, by reason
     */
    static MediaSocket open(String what, InetSocketAddress relay, AtomicLong sendErrors, byte[] key, int channelNumber,
                            DropCounts drops) throws IOException {
        InetAddress address = relay.getAddress();
        boolean v6 = address instanceof Inet6Address;
        DatagramChannel channel = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            channel.bind(new InetSocketAddress(InetAddress.getByName(v6 ? "::" : "0.0.0.0"), 0));
            return new MediaSocket(what, relay, channel, sendErrors, key, channelNumber, drops);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** Seals the clear datagram (position 0 to limit) with the next packet number and sends it. */
    void send(ByteBuffer clear) {
        try {
            synchronized (sealer) {
                bytesSent.addAndGet(channel.send(sealer.seal(clear), relay));
            }
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
        // Heap buffers: the JDK's AES-GCM works on their arrays without a copy.
        ByteBuffer buffer = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM + 1);
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        MediaCipher opener = new MediaCipher(key);
        ReplayWindow window = new ReplayWindow();
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
            if (from == null || !opened(buffer, buffer.position(), from, opener, window, clear)) {
                continue;
            }
            bytesReceived.addAndGet(buffer.position());
            try {
                receiver.onDatagram(clear, clear.limit(), from);
            } catch (RuntimeException e) {
                failed.accept(e); // a listener's bug must not stop receiving
            }
        }
    }

    /** Source, header, replay window, then the tag: a forged or tampered datagram never gets further. */
    private boolean opened(ByteBuffer datagram, int length, SocketAddress from, MediaCipher opener, ReplayWindow window,
                           ByteBuffer clear) {
        if (!relay.equals(from)) {
            drops.add(DropCounts.FOREIGN_SOURCE);
            return false;
        }
        DropReason problem = MediaHeader.validate(datagram, 0, length);
        long packetNumber = problem == null ? MediaHeader.packetNumber(datagram, 0) : 0;
        if (problem == null) {
            problem = window.check(packetNumber);
        }
        if (problem == null && !opener.open(datagram, length, channelNumber, MediaCipher.RELAY_TO_CLIENT, clear)) {
            problem = DropReason.BAD_TAG;
        }
        if (problem != null) {
            drops.add(problem);
            return false;
        }
        window.accept(packetNumber);
        return true;
    }

    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Bytes of the datagrams sent (sealed, as on the wire without the IP and UDP headers). */
    long bytesSent() {
        return bytesSent.get();
    }

    /** Bytes of the datagrams received that opened with this participant's key. */
    long bytesReceived() {
        return bytesReceived.get();
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
