package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A relay node in its own JVM ({@code chorus server} on loopback, ephemeral ports), for tests
 * where the node needs its own environment (Kubernetes variables) or a signal of its own (SIGTERM).
 */
public final class RelayProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("Chorus relay ready control=([^:]+):(\\d+) video=(\\d+) audio=(\\d+)");

    final Process process;
    final Path log;
    int controlPort;

    private RelayProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code chorus server} with these system properties and environment variables. */
    public static RelayProcess start(Path dir, String name, Map<String, String> properties, Map<String, String> env)
            throws IOException {
        return start(dir, name, properties, env, System.getProperty("java.class.path"));
    }

    /** As {@link #start(Path, String, Map, Map)}, on {@code classPath} (e.g. jars instead of class directories). */
    public static RelayProcess start(Path dir, String name, Map<String, String> properties, Map<String, String> env,
                                     String classPath) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add("-Dchorus.relay.files.port=0");
        cmd.add("-Dchorus.relay.metrics.port=0");
        cmd.add("-Dchorus.relay.files.directory=" + dir.resolve(name + "-files"));
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of(RelayMain.class.getName(), "--host", "127.0.0.1", "--control-port", "0",
                "--video-port", "0", "--audio-port", "0", "--cluster-port", "0", "--cluster-hostname", "127.0.0.1"));
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return new RelayProcess(pb.start(), log);
    }

    /** Waits for the ready line and reads the control port from it. */
    public RelayProcess awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Matcher m = READY.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                controlPort = Integer.parseInt(m.group(2));
                return this;
            }
            assertTrue(process.isAlive(), "relay process alive; log:\n" + output());
            assertTrue(System.nanoTime() < deadline, "relay ready within " + timeout + "; log:\n" + output());
            Thread.sleep(100);
        }
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
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
