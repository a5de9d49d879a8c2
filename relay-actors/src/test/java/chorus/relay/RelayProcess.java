package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.process.ReadyLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A relay node in its own JVM ({@code chorus server}), for tests where the node needs its own
 * environment (Kubernetes variables), its own command line, or a signal of its own (SIGTERM).
 * Its stdout and stderr go to one log; the ready line in it is read with {@link ReadyLine}, as
 * every other starter of a relay reads it. (The client's {@code chorus.client.load.ServerProcess}
 * is the launcher the demo, the load generator and the client tests share; this module cannot
 * use it, since the client depends on the relay and not the other way round.)
 */
public final class RelayProcess implements AutoCloseable {
    /** Every port ephemeral, on loopback: the command line two relays can share a machine with. */
    public static final List<String> EPHEMERAL = List.of("--host", "127.0.0.1", "--control-port", "0",
            "--video-port", "0", "--audio-port", "0", "--files-port", "0", "--metrics-port", "0");

    final Process process;
    final Path log;
    int controlPort;
    private ReadyLine ready;

    private RelayProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts a clustered {@code chorus server} on loopback with every port ephemeral, with these system
     * properties and environment variables.
     */
    public static RelayProcess start(Path dir, String name, Map<String, String> properties, Map<String, String> env)
            throws IOException {
        List<String> args = new ArrayList<>(EPHEMERAL);
        args.addAll(List.of("--cluster-port", "0", "--cluster-hostname", "127.0.0.1", "--plaintext"));
        return start(dir, name, properties, env, args);
    }

    /** Starts {@code chorus server ARGS} with these system properties and environment variables. */
    public static RelayProcess start(Path dir, String name, Map<String, String> properties, Map<String, String> env,
                                     List<String> args) throws IOException {
        return start(dir, name, properties, env, args, System.getProperty("java.class.path"));
    }

    /**
     * A relay on its own with every port ephemeral, on {@code classPath} (e.g. jars instead of class
     * directories, which need a file descriptor per class loaded).
     */
    public static RelayProcess start(Path dir, String name, Map<String, String> properties, Map<String, String> env,
                                     String classPath) throws IOException {
        return start(dir, name, properties, env, EPHEMERAL, classPath);
    }

    /** Starts {@code chorus server ARGS} on {@code classPath}. */
    public static RelayProcess start(Path dir, String name, Map<String, String> properties, Map<String, String> env,
                                     List<String> args, String classPath) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add("-Dchorus.relay.files.directory=" + dir.resolve(name + "-files"));
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add(RelayMain.class.getName());
        cmd.addAll(args);
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return new RelayProcess(pb.start(), log);
    }

    /** Waits for the ready line and reads the ports from it. */
    public RelayProcess awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<ReadyLine> line = readyLine();
            if (line.isPresent()) {
                ready = line.get();
                controlPort = ready.controlPort();
                return this;
            }
            assertTrue(process.isAlive(), "relay process alive; log:\n" + output());
            assertTrue(System.nanoTime() < deadline, "relay ready within " + timeout + "; log:\n" + output());
            Thread.sleep(100);
        }
    }

    private Optional<ReadyLine> readyLine() throws IOException {
        if (!Files.exists(log)) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(log)) {
            Optional<ReadyLine> ready = ReadyLine.parse(line);
            if (ready.isPresent()) {
                return ready;
            }
        }
        return Optional.empty();
    }

    public int controlPort() {
        return controlPort;
    }

    public long pid() {
        return process.pid();
    }

    /** The file its output goes to. */
    public Path log() {
        return log;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The ready line, once {@link #awaitReady} has seen it. */
    public ReadyLine ready() {
        return ready;
    }

    /** Waits for the process to end by itself; its exit status. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        assertTrue(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS),
                "relay process ended within " + timeout + "; log:\n" + output());
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** SIGTERM, as Kubernetes stops a pod. */
    public void terminate() {
        process.destroy();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
