package chorus.client.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A file service's answer as the transferring thread reads it: the HTTP client's buffers are
 * handed over through a small queue (at most {@value #LISTS_AHEAD} lists asked for ahead), so a
 * read waits at most the idle timeout and gives way to an interrupt (the JDK's own
 * {@code ofInputStream} swallows interrupts), and closing it before the end cancels the rest (the
 * connection is closed, as the relay must see for a transfer broken off).
 */
final class ResponseBody extends InputStream implements HttpResponse.BodySubscriber<ResponseBody> {
    private static final int LISTS_AHEAD = 16;
    /** Marks the end (an identity, never a list the client sends). */
    private static final List<ByteBuffer> END = new ArrayList<>(0);

    private final BlockingQueue<List<ByteBuffer>> lists = new LinkedBlockingQueue<>();
    private final long idleNanos;
    private volatile Flow.Subscription subscription;
    private volatile Throwable failure;
    private volatile boolean closed;
    // the reading thread only
    private Iterator<ByteBuffer> pending;
    private ByteBuffer current;
    private boolean ended;

    /** @param idle longest wait for the next bytes */
    ResponseBody(Duration idle) {
        this.idleNanos = idle.toNanos();
    }

    // ---- the HTTP client's side ----

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (subscription != null || closed) {
            s.cancel();
            return;
        }
        subscription = s;
        s.request(LISTS_AHEAD);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        lists.add(buffers);
    }

    @Override
    public void onError(Throwable t) {
        failure = t;
        lists.add(END);
    }

    @Override
    public void onComplete() {
        lists.add(END);
    }

    @Override
    public CompletionStage<ResponseBody> getBody() {
        return CompletableFuture.completedStage(this); // read as it arrives, after the status and headers
    }

    // ---- the reading thread's side ----

    @Override
    public int read() throws IOException {
        ByteBuffer b = next(true);
        return b == null ? -1 : b.get() & 0xFF;
    }

    /** Fills {@code into} with what has arrived, waiting only when nothing has. */
    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        ByteBuffer b = next(true);
        if (b == null) {
            return -1;
        }
        int n = 0;
        while (b != null) {
            int k = Math.min(length - n, b.remaining());
            b.get(into, offset + n, k);
            n += k;
            if (n == length) {
                break;
            }
            b = next(false);
        }
        return n;
    }

    /**
     * The buffer to read from; null at the end, or when {@code wait} is false and nothing more
     * has arrived.
     *
     * @throws InterruptedIOException when the thread is interrupted while waiting (it stays interrupted)
     * @throws HttpTimeoutException   when nothing arrives within the idle timeout
     */
    private ByteBuffer next(boolean wait) throws IOException {
        while (current == null || !current.hasRemaining()) {
            if (closed) {
                throw new IOException("the answer was closed");
            }
            if (ended) {
                Throwable t = failure;
                if (t != null && wait) {
                    throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
                }
                return null;
            }
            if (pending != null && pending.hasNext()) {
                current = pending.next();
                continue;
            }
            List<ByteBuffer> list;
            if (!wait) {
                list = lists.poll();
                if (list == null) {
                    return null;
                }
            } else {
                try {
                    list = lists.poll(idleNanos, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the file service");
                }
                if (list == null) {
                    throw new HttpTimeoutException("nothing came from the file service for "
                            + TimeUnit.NANOSECONDS.toSeconds(idleNanos) + " s");
                }
            }
            if (list == END) {
                ended = true;
                continue;
            }
            pending = list.iterator();
            Flow.Subscription s = subscription;
            if (s != null) {
                s.request(1);
            }
        }
        return current;
    }

    /** Reads at most {@code limit} bytes (an answer or an error's body), then drops the rest. */
    byte[] readAtMost(int limit) throws IOException {
        try (ResponseBody self = this) {
            return self.readNBytes(limit);
        }
    }

    /** Cancels what has not arrived yet: the client closes the connection of an answer not read to its end. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Flow.Subscription s = subscription;
        if (s != null && !ended) {
            s.cancel();
        }
        lists.clear();
    }
}
