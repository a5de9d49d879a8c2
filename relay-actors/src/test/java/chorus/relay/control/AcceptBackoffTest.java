package chorus.relay.control;

import chorus.protocol.control.ControlMessage;
import chorus.relay.RawClient;
import chorus.relay.RelayProcess;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A relay that runs out of file descriptors: its log stays bounded (a count per interval, no stack
 * trace per failed accept) and it accepts again once descriptors are freed. The relay runs in its
 * own JVM whose descriptor limit is lowered with {@code prlimit} once it is up.
 */
class AcceptBackoffTest {
    /** Descriptors left to the relay: this many connections are accepted, the rest fail. */
    private static final int HEADROOM = 16;
    private static final int CONNECTIONS = 40;
    /** How long the log is watched while the relay is out of descriptors. */
    private static final Duration WINDOW = Duration.ofSeconds(3);
    /** Lines a relay may write in that window: a report per interval, not one per failure. */
    private static final int MAX_LINES = 10;

    @TempDir
    Path dir;

    @Test
    void outOfFileDescriptorsTheLogStaysBoundedAndTheRelayAcceptsAgainOnceTheyAreFreed() throws Exception {
        try (RelayProcess relay = RelayProcess.start(dir, "relay", Map.of(), Map.of(), jarredClassPath())
                .awaitReady(Duration.ofSeconds(60))) {
            InetSocketAddress control = new InetSocketAddress("127.0.0.1", relay.controlPort());
            // A join first, so the control path's classes are loaded while descriptors are plenty.
            join(control, "Warm").close();

            long pid = relay.pid();
            int limit = openDescriptors(pid) + HEADROOM;
            run("prlimit", "--pid", Long.toString(pid), "--nofile=" + limit + ":" + limit);

            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(control, 2000); // completed by the kernel even when the relay cannot accept
                        held.add(s);
                    } catch (IOException refused) {
                        s.close(); // a relay that stopped listening for a while refuses: that is fine too
                    }
                }
                awaitDescriptors(pid, limit - 2); // at the limit, less the listening socket while paused

                long logBefore = Files.size(relay.log());
                long cpuBefore = cpuTicks(pid);
                Thread.sleep(WINDOW.toMillis()); // an observation window, not a wait for an event
                long cpuTicks = cpuTicks(pid) - cpuBefore;
                Window window = Window.read(relay.log(), logBefore);
                System.out.printf("out of descriptors for %s: %d log lines, %d bytes, %d CPU ticks%n",
                        WINDOW, window.lines, window.bytes, cpuTicks);
                assertTrue(relay.alive(), () -> "relay alive; log:\n" + tail(relay.output()));
                assertTrue(window.lines <= MAX_LINES, () -> window.lines + " log lines in " + WINDOW + ", at most "
                        + MAX_LINES + " expected; the first of them:\n" + window.head);
                assertTrue(window.head.lines().noneMatch(l -> l.startsWith("\tat ")), () -> "no stack trace:\n"
                        + window.head);
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }

            try (RawClient back = joinWithin(control, "Back", Duration.ofSeconds(20))) {
                assertEquals("Back", back.roster.get(0).name(), "accepted and welcomed again");
            }
            relay.output().lines().filter(l -> l.contains("accept")).forEach(System.out::println);
            Matcher report = Pattern.compile("(\\d+) failed accepts?").matcher(relay.output());
            assertTrue(report.find(), () -> "the failures are reported with their count; log:\n" + tail(relay.output()));
            assertTrue(Long.parseLong(report.group(1)) >= 1, report.group());
        }
    }

    /** What the relay logged from {@code offset} on: its lines, bytes, and the first 40 lines. */
    private record Window(long lines, long bytes, String head) {
        static Window read(Path log, long offset) throws IOException {
            try (var bytesIn = Files.newInputStream(log);
                 var in = new BufferedReader(new InputStreamReader(bytesIn, StandardCharsets.UTF_8))) {
                bytesIn.skipNBytes(offset);
                long lines = 0;
                long bytes = 0;
                StringBuilder head = new StringBuilder();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (lines++ < 40) {
                        head.append(line).append('\n');
                    }
                    bytes += line.length() + 1;
                }
                return new Window(lines, bytes, head.toString());
            }
        }
    }

    private static RawClient join(InetSocketAddress control, String name) throws Exception {
        RawClient c = new RawClient(control);
        c.send(new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, name, "room-" + System.nanoTime(), "raw-test"));
        c.readWelcome();
        return c;
    }

    /** Joins, retrying while the relay still refuses or drops connections, within {@code timeout}. */
    private static RawClient joinWithin(InetSocketAddress control, String name, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return join(control, name);
            } catch (IOException notYet) {
                assertTrue(System.nanoTime() < deadline, "joined within " + timeout + ": " + notYet);
                Thread.sleep(100);
            }
        }
    }

    private static int openDescriptors(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        }
    }

    private static void awaitDescriptors(long pid, int atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (openDescriptors(pid) < atLeast) {
            assertTrue(System.nanoTime() < deadline, "relay reached " + atLeast + " open descriptors");
            Thread.sleep(50);
        }
    }

    /** User plus system CPU time of a process, in clock ticks ({@code /proc/PID/stat} fields 14 and 15). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    /**
     * This JVM's class path with each class directory packed into a jar. A relay loading classes
     * from a directory opens a file per class, which fails once descriptors run out; from a jar (as
     * {@code chorus server} runs) it does not.
     */
    private String jarredClassPath() throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!Files.isDirectory(path)) {
                entries.add(entry);
                continue;
            }
            Path jar = dir.resolve("classes-" + (n++) + ".jar");
            try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                 Stream<Path> files = Files.walk(path)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    out.putNextEntry(new JarEntry(path.relativize(f).toString().replace(File.separatorChar, '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
            entries.add(jar.toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String head(String s) {
        return s.lines().limit(20).reduce("", (a, b) -> a + b + "\n");
    }

    private static String tail(String s) {
        List<String> lines = s.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
