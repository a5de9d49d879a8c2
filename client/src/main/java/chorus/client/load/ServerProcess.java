package chorus.client.load;

import chorus.client.session.RelayAddress;
import chorus.protocol.process.ReadyLine;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay (or the raw forwarder) in a JVM of its own, started from a classpath and ready once it
 * prints its {@link ReadyLine}, whose ports it then knows. The one way Chorus starts a relay
 * process: the load generator (which also measures it: CPU through {@link ProcessHandle}, heap
 * through an attached JMX connection), the desktop demo and the client tests. Stopped with SIGTERM
 * (then SIGKILL); children still running when this JVM exits are stopped too.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerProcess.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroy), "relay-children"));
    }

    /**
     * What to start, on loopback with every port ephemeral unless {@link Options#args} names a flag
     * itself, so runs never collide with a relay already running.
     */
    public enum Kind {
        RELAY("relay", "chorus.relay.RelayMain", List.of("--host", "127.0.0.1", "--control-port", "0",
                "--video-port", "0", "--audio-port", "0", "--files-port", "0", "--metrics-port", "0")),
        BASELINE("baseline", "chorus.relay.baseline.RawForwarder", List.of("--host", "127.0.0.1"));

        final String label;
        final String mainClass;
        /** Flag and value pairs. */
        final List<String> defaults;

        Kind(String label, String mainClass, List<String> defaults) {
            this.label = label;
            this.mainClass = mainClass;
            this.defaults = defaults;
        }
    }

    /**
     * How to start it.
     *
     * @param classpath  holding relay-actors and its libraries
     * @param maxHeap    the child's {@code -Xmx}, or null for the JVM's default
     * @param jvmOptions extra JVM options (system properties such as {@code -Dchorus.relay.x=y})
     * @param args       arguments after the main class; a flag given here replaces the kind's default
     * @param env        environment variables set for the child, beside this JVM's own
     */
    public record Options(String classpath, String maxHeap, List<String> jvmOptions, Duration readyTimeout,
                          List<String> args, Map<String, String> env) {
        public Options {
            jvmOptions = List.copyOf(jvmOptions);
            args = List.copyOf(args);
            env = Map.copyOf(env);
        }

        public Options(String classpath, String maxHeap, List<String> jvmOptions, Duration readyTimeout) {
            this(classpath, maxHeap, jvmOptions, readyTimeout, List.of(), Map.of());
        }

        public Options withArgs(List<String> more) {
            List<String> all = new ArrayList<>(args);
            all.addAll(more);
            return new Options(classpath, maxHeap, jvmOptions, readyTimeout, all, env);
        }

        public Options withEnv(Map<String, String> more) {
            Map<String, String> all = new HashMap<>(env);
            all.putAll(more);
            return new Options(classpath, maxHeap, jvmOptions, readyTimeout, args, all);
        }

        /** The options as reported: heap limit and the user's extras (not the classpath). */
        List<String> described() {
            List<String> all = new ArrayList<>();
            if (maxHeap != null) {
                all.add("-Xmx" + maxHeap);
            }
            all.addAll(jvmOptions);
            return all;
        }
    }

    /** Heap in use right after a full GC, or why it could not be read. */
    record HeapReading(Long bytes, String problem) {
    }

    private final Kind kind;
    private final Options options;
    private final Process process;
    private final Path logFile;
    private final CompletableFuture<ReadyLine> readyLine = new CompletableFuture<>();
    private ReadyLine ready;
    private RelayAddress control;
    private JMXConnector jmx;
    private MemoryMXBean memory;
    private String attachProblem;

    private ServerProcess(Kind kind, Options options, Process process, Path logFile) {
        this.kind = kind;
        this.options = options;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts a child and waits (bounded) for its ready line; then attaches to it for heap readings,
     * as the load generator measures it.
     *
     * @param logFile where the child's stderr (its log) goes
     * @throws ServerStartException with a one-line reason when it does not become ready
     */
    static ServerProcess start(Kind kind, Options options, Path logFile) throws ServerStartException {
        ServerProcess server = launch(kind, options, logFile).awaitReady();
        server.attach();
        return server;
    }

    /** Starts a child without waiting for it: {@link #awaitReady} does (so several can start at once). */
    public static ServerProcess launch(Kind kind, Options options, Path logFile) throws ServerStartException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (options.maxHeap() != null) {
            command.add("-Xmx" + options.maxHeap());
        }
        command.addAll(options.jvmOptions());
        command.add("-cp");
        command.add(options.classpath());
        command.add(kind.mainClass);
        for (int i = 0; i + 1 < kind.defaults.size(); i += 2) {
            if (!options.args().contains(kind.defaults.get(i))) {
                command.addAll(kind.defaults.subList(i, i + 2));
            }
        }
        if (kind == Kind.RELAY && !options.env().containsKey("CHORUS_ACCESS_MODE")) {
            // Load tests and the demo join without tokens: the LAN open mode, asked for explicitly,
            // with a key of its own beside the log rather than in the working directory.
            command.add("--open");
            if (!options.args().contains("--token-key-file") && !options.env().containsKey("CHORUS_TOKEN_KEY_FILE")) {
                command.add("--token-key-file");
                command.add(logFile.toAbsolutePath().resolveSibling("token.key").toString());
            }
        }
        command.addAll(options.args());
        Process process;
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(logFile.toFile());
            builder.environment().putAll(options.env());
            process = builder.start();
        } catch (IOException e) {
            throw new ServerStartException(kind.label + " did not start: " + e.getMessage());
        }
        LIVE.add(process);
        ServerProcess server = new ServerProcess(kind, options, process, logFile);
        Thread reader = new Thread(server::readStdout, "relay-" + kind.label + "-" + process.pid() + "-stdout");
        reader.setDaemon(true);
        reader.start();
        return server;
    }

    /** Waits (at most the options' ready timeout) for the ready line; on failure the child is stopped. */
    public ServerProcess awaitReady() throws ServerStartException {
        try {
            ready = readyLine.get(options.readyTimeout().toMillis(), TimeUnit.MILLISECONDS);
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
        control = new RelayAddress(ready.controlHost(), ready.controlPort());
        log.info("{} ready: pid {}, {}", kind.label, process.pid(), ready);
        return this;
    }

    private void readStdout() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (!readyLine.isDone()) {
                    Optional<ReadyLine> parsed = ReadyLine.parse(line);
                    parsed.ifPresent(readyLine::complete);
                }
            }
        } catch (IOException e) {
            // the child went away; the wait says so
        }
        readyLine.completeExceptionally(new IOException("exited"));
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
    void attach() {
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

    /** What it printed once ready: every port it bound. */
    public ReadyLine ready() {
        return ready;
    }

    /** Its control endpoint, from the ready line. */
    public RelayAddress control() {
        return control;
    }

    Kind kind() {
        return kind;
    }

    public long pid() {
        return process.pid();
    }

    /** The child itself, for a test that must kill it outright ({@code destroyForcibly}: SIGKILL). */
    public Process process() {
        return process;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM without waiting (a relay drains, then stops); {@link #close} waits. */
    public void terminate() {
        process.destroy();
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

    /** SIGTERM, then waits for it to end (SIGKILL after 30 s). */
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

    /** The server could not be started; the message is one line, fit for the user. */
    public static final class ServerStartException extends Exception {
        private static final long serialVersionUID = 1L;

        ServerStartException(String message) {
            super(message);
        }
    }
}
