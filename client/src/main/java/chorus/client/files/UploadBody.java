package chorus.client.files;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An upload's body, handed to the HTTP client by the uploading thread one chunk at a time as the
 * client asks for them, so that reading the file, progress and cancellation all stay on that
 * thread and no more than the chunks asked for are ever in memory. Sent once: the client does not
 * retry a {@code PUT}, and a second subscriber is refused.
 */
final class UploadBody implements HttpRequest.BodyPublisher {
    private final long length;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private Flow.Subscriber<? super ByteBuffer> subscriber;
    /** Set once the subscriber's onSubscribe has returned: signals to it are serial. */
    private boolean ready;
    private long demand;
    /** The exchange is over (answered, failed, cancelled): nobody takes more. */
    private boolean over;

    /** @param length the exact number of bytes that will be pushed, sent as {@code Content-Length} */
    UploadBody(long length) {
        this.length = length;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
        lock.lock();
        boolean first = subscriber == null;
        if (first) {
            subscriber = s;
        }
        lock.unlock();
        if (!first) {
            s.onSubscribe(new Subscription());
            s.onError(new IOException("an upload's body can be sent only once"));
            return;
        }
        s.onSubscribe(new Subscription());
        lock.lock();
        try {
            ready = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands over one chunk once the client asks for one; on the uploading thread.
     *
     * @return false when the exchange is over (the relay answered, or the connection failed): the
     *         chunk was not taken
     * @throws InterruptedException when the thread is interrupted while waiting
     * @throws HttpTimeoutException when the client asks for nothing for {@code idleNanos}
     */
    boolean push(ByteBuffer chunk, long idleNanos) throws InterruptedException, HttpTimeoutException {
        Flow.Subscriber<? super ByteBuffer> s;
        lock.lockInterruptibly();
        try {
            long left = idleNanos;
            while (!over && (!ready || demand == 0)) {
                if (left <= 0) {
                    throw new HttpTimeoutException("the file service took nothing for "
                            + TimeUnit.NANOSECONDS.toSeconds(idleNanos) + " s");
                }
                left = changed.awaitNanos(left);
            }
            if (over) {
                return false;
            }
            demand--;
            s = subscriber;
        } finally {
            lock.unlock();
        }
        s.onNext(chunk);
        return true;
    }

    /** Every byte was pushed. */
    void complete() {
        Flow.Subscriber<? super ByteBuffer> s = endWith();
        if (s != null) {
            s.onComplete();
        }
    }

    /** Ends the body early: the client fails the request and closes the connection, so the relay keeps nothing. */
    void abort(IOException why) {
        Flow.Subscriber<? super ByteBuffer> s = endWith();
        if (s != null) {
            s.onError(why);
        }
    }

    /** The exchange ended (the answer came, or it failed): a push waiting for demand gives up. */
    void exchangeOver() {
        lock.lock();
        try {
            over = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Marks the body over; returns the subscriber to signal the end to, or null when that is not for us to do. */
    private Flow.Subscriber<? super ByteBuffer> endWith() {
        lock.lock();
        try {
            boolean signal = ready && !over;
            over = true;
            changed.signalAll();
            return signal ? subscriber : null;
        } finally {
            lock.unlock();
        }
    }

    private final class Subscription implements Flow.Subscription {
        @Override
        public void request(long n) {
            lock.lock();
            try {
                if (n <= 0) {
                    over = true; // a broken subscriber: stop (the rules would have us signal an error)
                } else {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void cancel() {
            exchangeOver();
        }
    }
}
