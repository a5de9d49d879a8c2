package chorus.client.session;

import java.util.concurrent.ThreadFactory;
import org.slf4j.MDC;

/**
 * Makes the threads of one client: daemon (a forgotten client must not keep a JVM alive), named
 * after their role and participant so a thread dump reads, with the room and participant in the
 * logging MDC so several clients in one JVM (bots in a test) log distinguishably.
 */
public final class ClientThreads {
    private final String room;
    private final String participant;

    public ClientThreads(String room, String participant) {
        this.room = room;
        this.participant = participant;
    }

    /** A factory for threads of one role, e.g. {@code control} or {@code video-rx}. */
    public ThreadFactory named(String role) {
        return runnable -> {
            Thread t = new Thread(() -> {
                MDC.put("room", room);
                MDC.put("participant", participant);
                runnable.run();
            }, "chorus-" + role + "-" + participant);
            t.setDaemon(true);
            return t;
        };
    }
}
