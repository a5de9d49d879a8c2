package chorus.client.load;

import chorus.client.session.RelayAddress;
import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay or the raw forwarder under test, in a JVM of its own so that its CPU time and heap are
 * its own: started from a classpath, ready once it prints its ready line, measured through
 * {@link ProcessHandle} (CPU) and an attached JMX connection (heap after a GC), stopped with
 * SIGTERM (then SIGKILL). Children still running when this JVM exits are stopped too.
 */
final class ServerProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerProcess.class);
    private static final Pattern READY = Pattern.compile("ready control=(\\S+) video=(\\d+) audio=(\\d+)");
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroy), "loadtest-children"));
    }

    /** What to start: every port it opens is ephemeral, so runs never collide with a relay already running. */
    enum Kind {
        RELAY("relay", List.of("-Dchorus.relay.files.port=0", "-Dchorus.relay.metrics.port=0"), "chorus.relay.RelayMain",
                List.of("--host", "127.0.0.1", "--control-port", "0", "--video-port", "0", "--audio-port", "0")),
        BASELINE("baseline", List.of(), "chorus.relay.RawForwarder", List.of("--host", "127.0.0.1"));

        final String label;
        final List<String> jvmOptions;
        final String mainClass;
        final List<String> args;

        Kind(String label, List<String> jvmOptions, String mainClass, List<String> args) {
            this.label = label;
            this.jvmOptions = jvmOptions;
            this.mainClass = mainClass;
            this.args = args;
        }
    }

    /** How to start it: classpath holding relay-actors and its libraries, heap limit, extra JVM options. */
    record Options(String classpath, String maxHeap, List<String> jvmOptions, Duration readyTimeout) {
        Options {
            jvmOptions = List.copyOf(jvmOptions);
        }

        /** The options as reported: heap limit and the user's extras (not the classpath). */
        List<String> described() {
            List<String> all = new ArrayList<>();
            all.add("-Xmx" + maxHeap);
            all.addAll(jvmOptions);
            return all;
        }
    }

    /** Heap in use right after a full GC, or why it could not be read. */
    record HeapReading(Long bytes, String problem) {
    }

    private final Kind kind;
    private final Process process;
    private final RelayAddress control;
    private final Path logFile;
    private JMXConnector jmx;
    private MemoryMXBean memory;
    private String attachProblem;

    private ServerProcess(Kind kind, Process process, RelayAddress control, Path logFile) {
        this.kind = kind;
        this.process = process;
        this.control = control;
        this.logFile = logFile;
    }

    /**
     * Starts a child and waits (bounded) for its ready line; then attaches to it for heap readings.
     *
     * @param logFile where the child's stderr (its log) goes
     * @throws ServerStartException with a one-line reason when it does not become ready
     */
    static ServerProcess start(Kind kind, Options options, Path logFile) throws ServerStartException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + options.maxHeap());
        command.addAll(kind.jvmOptions);
        command.addAll(options.jvmOptions()); // after ours, so the user's win
        command.add("-cp");
        command.add(options.classpath());
        command.add(kind.mainClass);
        command.addAll(kind.args);
        Process process;
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            process = new ProcessBuilder(command).redirectError(logFile.toFile()).start();
        } catch (IOException e) {
            throw new ServerStartException(kind.label + " did not start: " + e.getMessage());
        }
        LIVE.add(process);
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> readStdout(process, ready), "loadtest-" + kind.label + "-stdout");
        reader.setDaemon(true);
        reader.start();
        String line;
        try {
            line = ready.get(options.readyTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String why = e instanceof TimeoutException
                    ? "no ready line within " + options.readyTimeout().toSeconds() + " s"
                    : exitReason(process, logFile);
            stop(process);
            throw new ServerStartException(kind.label + " did not start: " + why
                    + (why.contains("Could not find or load main class")
                    ? " (is relay-actors on --relay-classpath / CHORUS_RELAY_CLASSPATH?)" : "")
                    + "; log: " + logFile);
        }
        Matcher m = READY.matcher(line);
        if (!m.find()) {
            stop(process);
            throw new ServerStartException(kind.label + " printed an unexpected ready line: " + line);
        }
        ServerProcess server = new ServerProcess(kind, process, RelayAddress.parse(m.group(1)), logFile);
        log.info("{} ready: pid {}, control {}", kind.label, process.pid(), server.control);
        server.attach();
        return server;
    }

    private static void readStdout(Process process, CompletableFuture<String> ready) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (!ready.isDone() && READY.matcher(line).find()) {
                    ready.complete(line);
                }
            }
        } catch (IOException e) {
            // the child went away; the wait below says so
        }
        ready.completeExceptionally(new IOException("exited"));
    }

    private static String exitReason(Process process, Path logFile) {
        String status;
        try {
            status = process.waitFor(2, TimeUnit.SECONDS) ? "exited with status " + process.exitValue() : "stopped talking";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = "interrupted";
        }
        String last = "";
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0 && last.isEmpty(); i--) {
                last = lines.get(i).strip();
            }
        } catch (IOException ignored) {
            // no log to quote
        }
        return last.isEmpty() ? status : status + ": " + last;
    }

    /** Attaches with the JDK attach API and opens JMX; on failure the heap is reported as unknown, with why. */
    private void attach() {
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(process.pid()));
            String url;
            try {
                url = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            jmx = JMXConnectorFactory.connect(new JMXServiceURL(url));
            memory = ManagementFactory.newPlatformMXBeanProxy(jmx.getMBeanServerConnection(),
                    ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        } catch (Exception | LinkageError e) {
            attachProblem = "cannot attach to pid " + process.pid() + ": " + e;
            log.warn("{} heap will not be reported: {}", kind.label, attachProblem);
        }
    }

    RelayAddress control() {
        return control;
    }

    Kind kind() {
        return kind;
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return logFile;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** CPU time the child has used so far (all its threads), in nanoseconds; null when the OS does not say. */
    Long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(null);
    }

    /** Runs a full GC in the child and reads the heap in use. */
    HeapReading heapAfterGc() {
        if (memory == null) {
            return new HeapReading(null, attachProblem);
        }
        try {
            memory.gc();
            return new HeapReading(memory.getHeapMemoryUsage().getUsed(), null);
        } catch (RuntimeException e) {
            return new HeapReading(null, "JMX heap reading failed: " + e);
        }
    }

    /** Heap in use right now, garbage not yet collected included (no GC is forced): what the heap holds. */
    HeapReading heapInUse() {
        if (memory == null) {
            return new HeapReading(null, attachProblem);
        }
        try {
            return new HeapReading(memory.getHeapMemoryUsage().getUsed(), null);
        } catch (RuntimeException e) {
            return new HeapReading(null, "JMX heap reading failed: " + e);
        }
    }

    @Override
    public void close() {
        if (jmx != null) {
            try {
                jmx.close();
            } catch (IOException ignored) {
                // the child is stopping anyway
            }
        }
        stop(process);
        log.info("{} stopped", kind.label);
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        LIVE.remove(process);
    }

    /** The server under test could not be started; the message is one line, fit for the user. */
    static final class ServerStartException extends Exception {
        private static final long serialVersionUID = 1L;

        ServerStartException(String message) {
            super(message);
        }
    }
}
