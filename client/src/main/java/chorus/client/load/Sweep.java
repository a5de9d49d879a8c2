package chorus.client.load;

import chorus.client.load.LoadReport.Machine;
import chorus.client.load.LoadReport.SideReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code chorus loadtest --sweep}: raises the participants per room through 2, 3, 4, 6, 8, 12, …
 * against the relay and then against each raw forwarder asked for (plain sends, UDP GSO sends),
 * each side stopping at the first step it
 * does not hold (loss over 1%, or falling behind: p99 past 100 ms, receivers still behind after
 * the drain, or a participant dropped),
 * and reports the largest N each held.
 */
final class Sweep {
    private static final Logger log = LoggerFactory.getLogger(Sweep.class);
    static final double LOSS_LIMIT = 0.01;

    /** Width of one side's columns in the sweep table. */
    private static final int CELL = 46;

    /** One N on one side; {@code figures} is null when the step could not run (then {@code problem} says why). */
    record Step(int participants, boolean held, String problem, SideReport figures) {
    }

    record Side(String server, Integer largestNHeld, String endedBecause, List<Step> steps) {
    }

    record Load(int rooms, int videoFps, int frameBytes, double fragmentsPerFrame, String videoClip, boolean audio,
                double warmupSeconds, double stepDurationSeconds, double drainSeconds, double lossLimit,
                List<Integer> participantSteps, List<String> serverJvmOptions) {
    }

    /** {@code baseline}: the raw forwarder with plain sends, {@code baselineGso} with GSO sends; null when not swept. */
    record Report(Machine machine, Load load, Side relay, Side baseline, Double largestNRatio, Side baselineGso,
                  Double largestNRatioGso, List<String> notes) {
        void write(Path file) throws IOException {
            LoadReport.JSON.writeValue(file.toFile(), this);
        }

        /** The relay, then the baselines swept. */
        List<Side> sides() {
            List<Side> all = new ArrayList<>(List.of(relay));
            if (baseline != null) {
                all.add(baseline);
            }
            if (baselineGso != null) {
                all.add(baselineGso);
            }
            return all;
        }

        /** One row per N: loss, datagrams/s out, p99 and server CPU per datagram out for each side. */
        String table() {
            StringBuilder b = new StringBuilder();
            b.append("Chorus load sweep: ").append(load.rooms()).append(load.rooms() == 1 ? " room" : " rooms")
                    .append(", video ").append(load.videoFps()).append(" fps x ")
                    .append(load.videoClip())
                    .append(load.audio() ? ", audio" : "").append(", ")
                    .append(LoadReport.round(load.stepDurationSeconds(), 1)).append(" s per step\n");
            b.append("machine: ").append(machine.oneLine()).append(", ").append(machine.date()).append('\n');
            b.append("servers' JVM options: ").append(String.join(" ", load.serverJvmOptions())).append('\n');
            b.append(String.format(Locale.ROOT, "%5s", "N"));
            for (Side side : sides()) {
                b.append("  ").append(String.format(Locale.ROOT, "%-" + CELL + "s", side.server()));
            }
            b.append('\n').append(String.format(Locale.ROOT, "%5s", ""));
            for (int i = 0; i < sides().size(); i++) {
                b.append("  ").append(String.format(Locale.ROOT, "%10s %14s %10s %9s", "loss", "out/s", "p99", "µs/dg out"));
            }
            b.append('\n');
            TreeSet<Integer> ns = new TreeSet<>();
            sides().forEach(side -> side.steps().forEach(s -> ns.add(s.participants())));
            for (int n : ns) {
                b.append(String.format(Locale.ROOT, "%5d", n));
                for (Side side : sides()) {
                    b.append("  ").append(cells(side, n));
                }
                b.append('\n');
            }
            b.append("largest N held (loss <= ").append(LoadReport.round(load.lossLimit() * 100, 2)).append("%):");
            for (Side side : sides()) {
                b.append(' ').append(side.server()).append(' ').append(held(side)).append(',');
            }
            b.setLength(b.length() - 1);
            if (largestNRatio != null) {
                b.append(", relay/baseline ").append(largestNRatio);
            }
            if (largestNRatioGso != null) {
                b.append(", relay/baseline-gso ").append(largestNRatioGso);
            }
            return b.append('\n').toString();
        }

        private static String held(Side side) {
            return side.largestNHeld() == null ? "none" : side.largestNHeld().toString();
        }

        private static String cells(Side side, int n) {
            Step step = side.steps().stream().filter(s -> s.participants() == n).findFirst().orElse(null);
            if (step == null) {
                return " ".repeat(CELL);
            }
            if (step.figures() == null) {
                return String.format(Locale.ROOT, "%" + CELL + "s", "could not run");
            }
            SideReport f = step.figures();
            Long p99 = f.latency().p99Micros();
            Double perDatagram = f.serverUsage().cpuMicrosPerDatagramOut();
            return String.format(Locale.ROOT, "%8.2f%%%s %14s %10s %9s", f.video().loss() * 100, step.held() ? " " : "!",
                    String.format(Locale.ROOT, "%,.0f", f.video().packetsOutPerSecond()),
                    p99 == null ? "n/a" : String.format(Locale.ROOT, "%.2f ms", p99 / 1000.0),
                    perDatagram == null ? "n/a" : String.format(Locale.ROOT, "%.2f", perDatagram));
        }
    }

    private Sweep() {
    }

    /** 2, 3, 4, 6, 8, 12, 16, 24, … (each doubles the one two before) up to {@code max}. */
    static List<Integer> participantSteps(int max) {
        List<Integer> steps = new ArrayList<>();
        for (int a = 2, b = 3; a <= max; ) {
            steps.add(a);
            int next = b;
            b = 2 * a;
            a = next;
        }
        return steps;
    }

    /** Sweeps one side with one child server reused across steps (each step in rooms of its own). */
    static Side run(ServerProcess.Kind kind, ServerProcess.Options options, LoadSpec base, List<Integer> steps,
                    Path logFile) throws ServerProcess.ServerStartException, InterruptedException {
        return run(kind, kind.label, options, base, steps, logFile);
    }

    /** {@link #run} reported as {@code label} (a raw forwarder by how it sends). */
    static Side run(ServerProcess.Kind kind, String label, ServerProcess.Options options, LoadSpec base,
                    List<Integer> steps, Path logFile) throws ServerProcess.ServerStartException, InterruptedException {
        List<Step> done = new ArrayList<>();
        Integer largest = null;
        String ended = "reached the last step";
        try (ServerProcess server = ServerProcess.start(kind, options, logFile)) {
            for (int n : steps) {
                LoadSpec spec = base.withParticipants(n);
                log.info("sweep {}: N = {}", label, n);
                SideReport figures;
                try {
                    figures = LoadTest.run(spec, LoadTest.Target.of(server, label), "n" + n);
                } catch (IOException e) {
                    done.add(new Step(n, false, e.getMessage(), null));
                    ended = "N = " + n + " could not run: " + e.getMessage();
                    break;
                }
                boolean held = figures.held(LOSS_LIMIT) && server.alive();
                done.add(new Step(n, held, held ? null : why(figures, server), figures));
                if (!held) {
                    ended = "N = " + n + ": " + why(figures, server);
                    break;
                }
                largest = n;
                Thread.sleep(500); // let the server finish with the leavers before the next step
            }
        }
        return new Side(label, largest, ended, done);
    }

    private static String why(SideReport f, ServerProcess server) {
        if (!server.alive()) {
            return "the server process died";
        }
        List<String> reasons = new ArrayList<>();
        if (f.video().loss() > LOSS_LIMIT) {
            reasons.add("loss " + LoadReport.round(f.video().loss() * 100, 2) + "% > " + LOSS_LIMIT * 100 + "%");
        }
        if (!f.generator().caughtUp()) {
            reasons.add("receivers still behind after the drain");
        }
        if (f.latency().p99Micros() == null || f.latency().p99Micros() >= LatencyHistogram.LIMIT_MICROS) {
            reasons.add("p99 latency past " + LatencyHistogram.LIMIT_MICROS / 1000 + " ms");
        }
        if (f.generator().controlConnectionsLost() > 0) {
            reasons.add(f.generator().controlConnectionsLost() + " participants dropped by the server");
        }
        return String.join("; ", reasons);
    }

    /** {@code baseline} (plain sends) and {@code baselineGso} are null when not swept. */
    static Report report(Machine machine, LoadSpec base, List<Integer> steps, List<String> serverJvmOptions,
                         Side relay, Side baseline, Side baselineGso) {
        Load load = new Load(base.rooms(), base.videoFps(), base.frameBytes(),
                LoadReport.round(base.video().meanFragments(), 2), base.video().describe(base.videoFps()), base.audio(), base.warmUp().toMillis() / 1000.0, base.duration().toMillis() / 1000.0,
                LoadTest.DRAIN.toMillis() / 1000.0, LOSS_LIMIT, steps, serverJvmOptions);
        return new Report(machine, load, relay, baseline, largestNRatio(relay, baseline), baselineGso,
                largestNRatio(relay, baselineGso), LoadReport.NOTES);
    }

    private static Double largestNRatio(Side relay, Side baseline) {
        return baseline == null || relay.largestNHeld() == null || baseline.largestNHeld() == null
                ? null : LoadReport.ratio(relay.largestNHeld(), baseline.largestNHeld());
    }
}
