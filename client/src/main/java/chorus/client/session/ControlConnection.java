package chorus.client.session;

import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.Hello;
import chorus.protocol.control.ControlMessage.Ping;
import chorus.protocol.control.ControlMessage.Pong;
import chorus.protocol.control.ControlMessage.Welcome;
import chorus.protocol.control.ControlProtocolException;
import chorus.protocol.control.ErrorCode;
import chorus.client.tls.NotTlsException;
import chorus.client.tls.RelayHandshake;
import chorus.client.tls.RelayTrust;
import chorus.client.tls.UntrustedRelayException;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's TCP control connection to a relay, over TLS when the relay speaks it (trusted as
 * {@link RelayTrust} says): joins with a hello, then a reader thread answers
 * the relay's pings, measures round-trip time from the client's own pings and hands roster changes
 * and errors to a listener. Writes from any thread are serialised. A relay silent for longer than
 * its keepalive allows is treated as gone, so a hung relay cannot hang the client.
 */
public final class ControlConnection implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ControlConnection.class);
    /** Used when the welcome carries no usable ping interval. */
    private static final long DEFAULT_SILENCE_LIMIT_MILLIS = 30_000;
    /** How long a closing side waits for the reader thread to finish. */
    private static final long CLOSE_WAIT_MILLIS = 1_000;

    /** Receives what the relay says, on the reader thread. Must not block for long. */
    public interface Listener {
        /** Joined, left and error messages (pings and pongs are handled here). */
        void onMessage(ControlMessage message);

        /** The connection ended; {@code requested} when this side left or closed it. Called once. */
        void onClosed(String reason, boolean requested);
    }

    private final RelayAddress relay;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Welcome welcome;
    /** The roster at the welcome, put together from the roster pages that follow it. */
    private final java.util.List<ControlMessage.ParticipantInfo> initialRoster;
    /** {@code sha256:HEX} of the relay's certificate, or null when the connection is plain text. */
    private final String tlsFingerprint;
    private final Object writeLock = new Object();
    private final AtomicLong nextNonce = new AtomicLong(1);
    private final AtomicLong pingsAnswered = new AtomicLong();
    private final AtomicBoolean closedReported = new AtomicBoolean();
    private final CountDownLatch readerDone = new CountDownLatch(1);
    private volatile boolean answeringPings = true;
    private volatile boolean closing;
    private volatile long outstandingNonce = -1;
    private volatile long outstandingSentNanos;
    private volatile double lastRttMillis = -1;
    private volatile double smoothedRttMillis = -1;
    private volatile String lastRelayError;
    private volatile Thread reader;

    private ControlConnection(RelayAddress relay, Socket socket, DataInputStream in, OutputStream out, Welcome welcome,
                              java.util.List<ControlMessage.ParticipantInfo> initialRoster, String tlsFingerprint) {
        this.initialRoster = initialRoster;
        this.tlsFingerprint = tlsFingerprint;
        this.relay = relay;
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.welcome = welcome;
    }

    /**
     * Connects and joins: sends {@code hello} and waits for the welcome. The reader thread is not
     * running yet; call {@link #start} once the caller is ready for events.
     *
     * @param timeout bound on the TCP connect and, separately, on the wait for the welcome
     * @throws RelayUnreachableException when no TCP connection could be made
     * @throws JoinRefusedException      when the relay answered with an error
     * @throws IOException               when the relay broke off or answered nonsense
     */
    public static ControlConnection open(RelayAddress relay, Hello hello, Duration timeout) throws IOException {
        return open(relay, hello, timeout, RelayTrust.defaults());
    }

    /**
     * Connects over TLS, trusting the relay's certificate as {@code trust} says, and joins. A relay
     * seen for the first time is shown to the trust's first-contact decision (outside the
     * handshake, so a user may take their time) and, if trusted, pinned and connected to again. A
     * relay that answers in plain text is joined in plain text, with a warning, unless something
     * pins its certificate or the hello carries an access token (never sent in clear unless asked).
     *
     * @throws UntrustedRelayException when its certificate is not trusted (the message says why and what to do)
     */
    public static ControlConnection open(RelayAddress relay, Hello hello, Duration timeout, RelayTrust trust)
            throws IOException {
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        Socket socket = connect(relay, timeoutMillis);
        if (trust.plaintext()) {
            return join(relay, socket, hello, timeoutMillis, null);
        }
        Optional<String> known;
        RelayHandshake.Secured secured;
        try {
            known = trust.known(relay.host(), relay.port());
            socket.setSoTimeout(timeoutMillis);
            secured = RelayHandshake.secure(socket, relay.host(), relay.port(), trust, known,
                    trust.knownRelays() == null ? "the known-relays file" : trust.knownRelays().file().toString());
        } catch (UntrustedRelayException e) {
            closeQuietly(socket);
            if (e.reason() == UntrustedRelayException.Reason.UNKNOWN
                    && trust.firstContact().trust(relay.toString(), e.presented())) {
                if (trust.knownRelays() != null) {
                    trust.knownRelays().pin(relay.host(), relay.port(), e.presented());
                }
                log.info("trusting relay {} on first use: certificate {}{}", relay, e.presented(),
                        trust.knownRelays() == null ? "" : ", pinned in " + trust.knownRelays().file());
                return open(relay, hello, timeout, trust.withFingerprint(e.presented()));
            }
            throw e;
        } catch (NotTlsException e) {
            closeQuietly(socket);
            if (trust.fingerprint() != null || trust.known(relay.host(), relay.port()).isPresent()) {
                throw new IOException(e.getMessage() + "; its certificate is pinned, so plain text is refused "
                        + "(someone may be downgrading the connection)", e);
            }
            if (hello.token() != null) {
                // An access token sent in clear could be taken and used by whoever answered.
                throw new IOException(e.getMessage() + "; this client does not send an access token in plain text "
                        + "(someone may be downgrading the connection): if the relay runs with --plaintext, "
                        + "connect with --plaintext", e);
            }
            log.warn("relay {} speaks plain text (it runs with --plaintext): the control connection and the files "
                    + "are not encrypted", relay);
            return open(relay, hello, timeout, trust.withPlaintext(true));
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
        return join(relay, secured.socket(), hello, timeoutMillis, secured.fingerprint());
    }

    private static Socket connect(RelayAddress relay, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true); // control frames are small and latency-sensitive (pongs)
            socket.connect(new InetSocketAddress(relay.host(), relay.port()), timeoutMillis);
        } catch (UnknownHostException e) {
            closeQuietly(socket);
            throw new RelayUnreachableException(relay, "unknown host", e);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new RelayUnreachableException(relay, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
        return socket;
    }

    /** Sends the hello over a connected (and, with TLS, secured) socket and waits for the welcome. */
    private static ControlConnection join(RelayAddress relay, Socket socket, Hello hello, int timeoutMillis,
                                          String tlsFingerprint) throws IOException {
        try {
            socket.setSoTimeout(timeoutMillis);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            OutputStream out = socket.getOutputStream();
            out.write(ControlCodec.encodeFrame(hello));
            out.flush();
            Welcome welcome;
            java.util.List<ControlMessage.ParticipantInfo> roster;
            try {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
                welcome = awaitWelcome(relay, in, out, timeoutMillis);
                roster = awaitRoster(relay, in, welcome, timeoutMillis, deadline);
            } catch (JoinRefusedException e) {
                throw e;
            } catch (IOException e) {
                // A TLS relay drops a plain-text hello without a word a plain-text client could read.
                throw tlsFingerprint != null ? e : new IOException(e.getMessage() + PLAINTEXT_HINT, e);
            }
            return new ControlConnection(relay, socket, in, out, welcome, roster, tlsFingerprint);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** Appended to why a plain-text join failed. */
    static final String PLAINTEXT_HINT = "; this client spoke plain text: if the relay speaks TLS (the default; its "
            + "ready line ends with tls=sha256:...), connect without --plaintext";

    private static Welcome awaitWelcome(RelayAddress relay, DataInputStream in, OutputStream out, int timeoutMillis)
            throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            ControlMessage first;
            try {
                first = ControlCodec.readFrame(in);
            } catch (SocketTimeoutException e) {
                throw new IOException("relay at " + relay + " did not answer the hello within " + timeoutMillis + " ms", e);
            } catch (EOFException e) {
                throw new IOException("relay at " + relay + " closed the connection without answering the hello", e);
            } catch (ControlProtocolException e) {
                throw new IOException("relay at " + relay + " answered the hello with a bad frame: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new IOException("lost the connection to relay at " + relay + " during the hello (" + e.getMessage() + ")", e);
            }
            if (first instanceof Welcome w) {
                return w;
            }
            if (first instanceof ControlMessage.Error error) {
                throw new JoinRefusedException(error.code(), error.message());
            }
            if (first instanceof Ping ping) {
                // Not expected before the welcome, but answering costs nothing and keeps us alive.
                out.write(ControlCodec.encodeFrame(new Pong(ping.nonce())));
                out.flush();
            } else {
                throw new IOException("relay at " + relay + " answered the hello with '"
                        + first.getClass().getSimpleName() + "' instead of a welcome");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("relay at " + relay + " did not answer the hello within " + timeoutMillis + " ms");
            }
        }
    }

    /**
     * Reads the roster pages that follow the welcome (nothing else comes between them), so the
     * join completes with the whole roster, within the same bound as the welcome.
     */
    private static java.util.List<ControlMessage.ParticipantInfo> awaitRoster(RelayAddress relay, DataInputStream in,
            Welcome welcome, int timeoutMillis, long deadline) throws IOException {
        chorus.protocol.control.RosterPages.Assembly pages = new chorus.protocol.control.RosterPages.Assembly(
                welcome.rosterSize());
        while (true) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("relay at " + relay + " did not send the whole roster within " + timeoutMillis + " ms");
            }
            ControlMessage next;
            try {
                next = ControlCodec.readFrame(in);
            } catch (SocketTimeoutException e) {
                throw new IOException("relay at " + relay + " did not send the whole roster within " + timeoutMillis + " ms", e);
            } catch (EOFException e) {
                throw new IOException("relay at " + relay + " closed the connection while sending the roster", e);
            } catch (ControlProtocolException e) {
                throw new IOException("relay at " + relay + " sent a bad frame in the roster: " + e.getMessage(), e);
            }
            if (!(next instanceof ControlMessage.RosterPage page)) {
                throw new IOException("relay at " + relay + " sent '" + next.getClass().getSimpleName()
                        + "' where a roster page was due");
            }
            try {
                if (pages.add(page)) {
                    return pages.roster();
                }
            } catch (ControlProtocolException e) {
                throw new IOException("relay at " + relay + ": " + e.getMessage(), e);
            }
        }
    }

    /** Starts the reader thread; events go to {@code listener} from then on. Call once. */
    public void start(Listener listener, ThreadFactory threads) {
        long silenceLimit = silenceLimitMillis(welcome);
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, silenceLimit));
        } catch (IOException e) {
            log.debug("could not set the control read timeout", e);
        }
        Thread thread = threads.newThread(() -> readLoop(listener, silenceLimit));
        reader = thread;
        thread.start();
    }

    /** Long enough to never trip while the relay pings as announced; short enough to notice a hung relay. */
    static long silenceLimitMillis(Welcome welcome) {
        long interval = welcome.pingIntervalMillis();
        if (interval <= 0) {
            return DEFAULT_SILENCE_LIMIT_MILLIS;
        }
        return Math.max(1_000, Math.max(3 * interval, welcome.keepaliveTimeoutMillis()));
    }

    private void readLoop(Listener listener, long silenceLimit) {
        String reason;
        try {
            reason = readUntilClosed(listener, silenceLimit);
        } finally {
            closeQuietly(socket);
            readerDone.countDown();
        }
        String relayError = lastRelayError;
        if (relayError != null) {
            reason += " (" + relayError + ")";
        }
        if (closedReported.compareAndSet(false, true)) {
            try {
                listener.onClosed(reason, closing);
            } catch (RuntimeException e) {
                log.warn("control listener failed on close", e);
            }
        }
    }

    /** Reads until the stream ends; returns why it ended. Each read is bounded by the silence limit. */
    private String readUntilClosed(Listener listener, long silenceLimit) {
        while (true) {
            ControlMessage message;
            try {
                message = ControlCodec.readFrame(in);
            } catch (ControlProtocolException e) {
                if (e.code() == ErrorCode.FRAME_TOO_LARGE) {
                    return "relay sent an oversized control frame";
                }
                log.warn("ignoring a control frame from the relay: {}", e.getMessage());
                continue;
            } catch (SocketTimeoutException e) {
                return closing ? "closed" : "relay silent for " + silenceLimit + " ms";
            } catch (EOFException e) {
                return closing ? "closed" : "relay closed the connection";
            } catch (IOException e) {
                return closing ? "closed" : "connection error (" + e.getMessage() + ")";
            }
            if (message instanceof Ping ping) {
                if (answeringPings) {
                    try {
                        send(new Pong(ping.nonce()));
                        pingsAnswered.incrementAndGet();
                    } catch (IOException e) {
                        return closing ? "closed" : "connection error (" + e.getMessage() + ")";
                    }
                }
            } else if (message instanceof Pong pong) {
                onPong(pong);
            } else {
                if (message instanceof ControlMessage.Error error) {
                    lastRelayError = error.code() + ": " + error.message();
                }
                try {
                    listener.onMessage(message);
                } catch (RuntimeException e) {
                    log.warn("control listener failed on {}", message, e);
                }
            }
        }
    }

    private void onPong(Pong pong) {
        if (pong.nonce() != outstandingNonce) {
            return; // an answer to a ping we stopped waiting for
        }
        double rtt = (System.nanoTime() - outstandingSentNanos) / 1e6;
        outstandingNonce = -1;
        lastRttMillis = rtt;
        double smoothed = smoothedRttMillis;
        // Same smoothing as TCP's SRTT: one sample moves the estimate by an eighth.
        smoothedRttMillis = smoothed < 0 ? rtt : smoothed + (rtt - smoothed) / 8;
    }

    /** Sends a message; safe from any thread. */
    public void send(ControlMessage message) throws IOException {
        byte[] frame = ControlCodec.encodeFrame(message);
        synchronized (writeLock) {
            out.write(frame);
            out.flush();
        }
    }

    /**
     * Sends a ping to measure round-trip time; the answer updates {@link #rttMillis()}. Only the
     * latest ping is timed. Does nothing once frozen or closing.
     */
    public void ping() throws IOException {
        if (!answeringPings || closing) {
            return;
        }
        long nonce = nextNonce.getAndIncrement();
        outstandingSentNanos = System.nanoTime();
        outstandingNonce = nonce;
        send(new Ping(nonce));
    }

    /** Smoothed round-trip time in milliseconds, or -1 before the first pong. */
    public double rttMillis() {
        return smoothedRttMillis;
    }

    public double lastRttMillis() {
        return lastRttMillis;
    }

    public long pingsAnswered() {
        return pingsAnswered.get();
    }

    /**
     * Simulates a hung client for keepalive tests: the relay's pings go unanswered and no pings
     * are sent, but the socket stays open and is still read.
     */
    public void freeze() {
        answeringPings = false;
    }

    /** Who was in the room at the welcome, the newcomer included, in join order (from the roster pages). */
    public java.util.List<ControlMessage.ParticipantInfo> initialRoster() {
        return initialRoster;
    }

    public Welcome welcome() {
        return welcome;
    }

    /** {@code sha256:HEX} of the certificate the relay presented, or null when this connection is plain text. */
    public String tlsFingerprint() {
        return tlsFingerprint;
    }

    public RelayAddress relay() {
        return relay;
    }

    /** The relay's address as this connection reached it. */
    public InetAddress remoteAddress() {
        return socket.getInetAddress();
    }

    public boolean isOpen() {
        return readerDone.getCount() > 0 && !socket.isClosed();
    }

    /** The last error message the relay sent, {@code code: message}, or null. */
    public String lastRelayError() {
        return lastRelayError;
    }

    /**
     * Leaves on purpose: sends {@code leave} and waits up to {@code wait} for the relay to close
     * the connection, then closes it from this side anyway.
     */
    public void leave(Duration wait) {
        closing = true;
        try {
            send(new ControlMessage.Leave());
            if (reader != null && reader != Thread.currentThread() && !readerDone.await(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS)) {
                log.debug("relay did not close the connection within {} after leave", wait);
            }
        } catch (IOException e) {
            log.debug("could not send leave: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Closes without leaving (the relay sees a disconnect). */
    @Override
    public void close() {
        closing = true;
        closeQuietly(socket);
        Thread thread = reader;
        if (thread == null || thread == Thread.currentThread()) {
            return; // no reader to wait for, or we are it (a listener closing from a callback)
        }
        try {
            readerDone.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort; there is nothing left to tell the relay
        }
    }
}
