package chorus.client.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code chorus} launcher script as a supervisor stops it ({@code timeout}, systemd, a parent
 * process): SIGTERM to the launcher's own process only, never to its process group. Everything it
 * started must end with it. It runs on the classes Maven built for this test run
 * ({@code CHORUS_RELAY_CLASSPATH}, {@code CHORUS_CLIENT_CLASSPATH}, {@code CHORUS_BUILT}), since the
 * client's jar is packaged only after its tests.
 */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("..", "chorus").toAbsolutePath().normalize();
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration STOP = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aSigtermToTheLauncherEndsTheHeadlessDemosRelayAndBots() throws Exception {
        // The relay and three bots, each a JVM.
        stopsEverythingItStarted(List.of("demo", "--headless", "--duration", "60"), 4,
                line -> line.startsWith("Three bots join room"), Map.of());
    }

    @Test
    void aSigtermToTheLauncherEndsTheDesktopDemoAndItsRelay() throws Exception {
        Gui.requireDisplay();
        // The desktop app's JVM and the relay it started.
        stopsEverythingItStarted(List.of("demo", "--test-source", "--duration", "60"), 2,
                line -> line.contains("Close the window or press Leave to end"),
                Map.of("DISPLAY", System.getenv("DISPLAY")));
    }

    private void stopsEverythingItStarted(List<String> args, int jvms, Predicate<String> running,
                                          Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
        Map<String, String> e = builder.environment();
        e.remove("DISPLAY");
        e.remove("WAYLAND_DISPLAY");
        e.putAll(env);
        String classpath = System.getProperty("java.class.path");
        e.put("CHORUS_BUILT", "1");
        e.put("CHORUS_RELAY_CLASSPATH", classpath);
        e.put("CHORUS_CLIENT_CLASSPATH", classpath);
        e.put("JAVA_HOME", System.getProperty("java.home"));
        e.put("TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString());
        e.put("CHORUS_JAVA_OPTS", "-Xmx256m -Djava.util.prefs.userRoot=" + dir.resolve("prefs"));
        Process launcher = builder.start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(launcher.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // the launcher ended
            }
        }, "launcher-stdout");
        reader.setDaemon(true);
        reader.start();
        List<ProcessHandle> started = List.of();
        try {
            long deadline = System.nanoTime() + START.toNanos();
            while (!(output.stream().anyMatch(running) && javas(launcher).size() >= jvms)) {
                assertTrue(launcher.isAlive(), "the launcher runs; it said:\n" + String.join("\n", output));
                assertTrue(System.nanoTime() < deadline, "running within " + START + " with " + jvms
                        + " JVMs (" + javas(launcher).size() + "); it said:\n" + String.join("\n", output));
                Thread.sleep(200);
            }
            started = launcher.descendants().toList();
            assertEquals(jvms, javas(launcher).size(), "the JVMs it started: " + describe(started));

            launcher.destroy(); // SIGTERM to the launcher's process only

            assertTrue(launcher.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS), "the launcher ended");
            long stopDeadline = System.nanoTime() + STOP.toNanos();
            while (started.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < stopDeadline) {
                Thread.sleep(200);
            }
            List<ProcessHandle> left = started.stream().filter(ProcessHandle::isAlive).toList();
            assertTrue(left.isEmpty(), "still running " + STOP.toSeconds() + " s after the launcher got SIGTERM: "
                    + describe(left) + "; it said:\n" + String.join("\n", output));
        } finally {
            // Whatever is left, so a failure here leaves nothing behind.
            started.forEach(ProcessHandle::destroyForcibly);
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    private static List<ProcessHandle> javas(Process launcher) {
        return launcher.descendants().filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .toList();
    }

    private static String describe(List<ProcessHandle> processes) {
        List<String> all = new ArrayList<>();
        for (ProcessHandle p : processes) {
            all.add(p.pid() + " " + p.info().command().orElse("?"));
        }
        return all.toString();
    }
}
