package chorus.relay.control;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.event.EventStream;
import org.apache.pekko.event.LogMarker;
import org.apache.pekko.event.slf4j.Slf4jLoggingFilter;

/**
 * The relay's Pekko logging filter ({@code pekko.logging-filter}): SLF4J's, except for errors of
 * Pekko's TCP listener. Once file descriptors run out, that listener retries a failing accept in a
 * tight loop and logs a stack trace each time (gigabytes a minute); here each such error is only
 * counted, and {@link Failures} is published on the event stream (at most every 100 ms) for
 * {@link ControlServer} to stop accepting for a while and report the count.
 */
public final class AcceptErrorFilter extends Slf4jLoggingFilter {
    private static final String TCP_LISTENER = "org.apache.pekko.io.TcpListener";
    private static final long ANNOUNCE_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Failed accepts not yet taken by a subscriber; published on the event stream. */
    public static final class Failures {
        private final AtomicLong count = new AtomicLong();

        /** The failures since the last call. */
        public long take() {
            return count.getAndSet(0);
        }
    }

    private final EventStream eventStream;
    private final Failures failures = new Failures();
    private final AtomicLong lastAnnounced = new AtomicLong(System.nanoTime() - ANNOUNCE_EVERY_NANOS);

    public AcceptErrorFilter(ActorSystem.Settings settings, EventStream eventStream) {
        super(settings, eventStream);
        this.eventStream = eventStream;
    }

    @Override
    public boolean isErrorEnabled(Class<?> logClass, String logSource) {
        if (logClass.getName().equals(TCP_LISTENER)) {
            failed();
            return false;
        }
        return super.isErrorEnabled(logClass, logSource);
    }

    @Override
    public boolean isErrorEnabled(Class<?> logClass, String logSource, LogMarker marker) {
        if (logClass.getName().equals(TCP_LISTENER)) {
            failed();
            return false;
        }
        return super.isErrorEnabled(logClass, logSource, marker);
    }

    /**
     * Runs on the listener's thread for each error it logs: "Accept error" in its loop, or "Bind
     * failed", which whoever asked to bind reports anyway (its binding fails with the cause).
     */
    private void failed() {
        failures.count.incrementAndGet();
        long now = System.nanoTime();
        long last = lastAnnounced.get();
        if (now - last >= ANNOUNCE_EVERY_NANOS && lastAnnounced.compareAndSet(last, now)) {
            eventStream.publish(failures);
        }
    }
}
