package chorus.client.load;

import chorus.client.load.LoadReport.Machine;
import chorus.client.load.LoadReport.SideReport;
import chorus.client.impairment.Impairment;
import chorus.client.session.RelayAddress;
import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaHeader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code chorus loadtest}: the load generator of the benchmark harness. Exit codes: 0 measured, 1 failed, 2 bad usage. */
@Command(name = "loadtest",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "Start R rooms x N headless participants against a relay (started here on loopback in a JVM of "
                        + "its own, or --server) sending video (and with --audio, audio), and measure what comes "
                        + "back: datagrams and bits per second in and out, delivered/expected per receiver, loss, "
                        + "one-way latency p50/p99/p99.9, the relay's CPU and heap after GC.",
                "--baseline[=plain|gso|both] measures the raw (actor-free) forwarder under the same load in the same "
                        + "run, sending one datagram at a time (plain) or a frame per receiver as one UDP GSO send (gso); "
                        + "--sweep raises N until loss passes 1%%, for the relay and the baseline(s).",
                "Large rooms: --cluster K spreads each room over K relay nodes; --video-senders, --talkers, "
                        + "--layers and --subscribe / --last-n shape who sends and who shows what; the report then "
                        + "has a row per node and each receiver's delivery of the streams it subscribed to.",
                "Writes report.json (or sweep.json and sweep.png) into --out and prints a table."})
public final class LoadTestCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(LoadTestCommand.class);
    private static final double DEFAULT_DURATION_SECONDS = 10;
    private static final double DEFAULT_SWEEP_STEP_SECONDS = 5;
    private static final double MAX_SECONDS = 86_400;
    /** Talkers per room with --audio when --talkers is not given, as before --talkers turned audio on alone. */
    private static final int DEFAULT_TALKERS = 3;
    /** More relay JVMs than this would only measure how the machine swaps. */
    private static final int MAX_CLUSTER_NODES = 16;

    @Spec
    CommandSpec spec;

    @Option(names = "--rooms", defaultValue = "1", paramLabel = "R", description = "Rooms. Default: ${DEFAULT-VALUE}.")
    int rooms;

    @Option(names = "--participants", paramLabel = "N",
            description = "Participants per room, at least 2. Default: 4 (with --sweep N is raised by the sweep).")
    Integer participants;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Measured window, after the warm-up. Default: 10 (with --sweep: 5 per step).")
    Double durationSeconds;

    /*
     * 5 s, not 2: a server JVM started for the run forwards its first seconds of traffic before the
     * JIT has compiled its path (the AES-GCM seal and open above all), falls behind, and then drains
     * the backlog. Measured with 24 participants on the 2-core machine: the raw forwarder's datagrams
     * arrived up to 790 ms late until 3.7 s after the first send, the relay's until 1.3 s; with a 2 s
     * warm-up that backlog reached into the window and made its p99.
     */
    @Option(names = "--warmup", defaultValue = "5", paramLabel = "SECONDS",
            description = "Traffic before the window that is not counted: a server started for the run needs "
                    + "seconds before its JIT-compiled path keeps up. Default: ${DEFAULT-VALUE}.")
    double warmupSeconds;

    @Option(names = "--video-fps", defaultValue = "30", paramLabel = "FPS",
            description = "Video frames per second per participant. Default: ${DEFAULT-VALUE}.")
    int videoFps;

    @Option(names = "--video-codec", paramLabel = "CODEC",
            description = "Video each participant loops: h264 (one keyframe interval of the test pattern, encoded "
                    + "once before the run) or jpeg (synthetic frames of --frame-bytes). Default: h264, or jpeg when "
                    + "--frame-bytes is given (as before codecs).")
    String videoCodec;

    @Option(names = "--video-bitrate", defaultValue = "800", paramLabel = "KBITS",
            description = "H.264 bit rate the clip is encoded at, kbit/s. Default: ${DEFAULT-VALUE}.")
    int videoKbps;

    @Option(names = "--layers", defaultValue = "1", paramLabel = "L",
            description = "Simulcast layers each video sender sends, 1..3: with 2 or 3, the client's ladder (the test "
                    + "pattern at 320x180 150 kbit/s 15 fps, 640x360 500 kbit/s, 1280x720 1.5 Mbit/s; H.264 only, "
                    + "--video-bitrate then unused), announced in the hello; a sender pauses the layers the relay's "
                    + "layers-wanted leaves out. Default: ${DEFAULT-VALUE} (the one clip, as before).")
    int layers;

    @Option(names = "--subscribe", paramLabel = "N",
            description = "Each receiver subscribes to N others' cameras (the next N video senders in join order) at "
                    + "--subscribe-layer, plus --last-n; delivery then counts the subscribed streams. "
                    + "Default: off (no subscribe: all-to-all, every camera at its largest layer).")
    Integer subscribe;

    @Option(names = "--subscribe-layer", defaultValue = "0", paramLabel = "L",
            description = "Layer of the subscribed tiles, 0 the smallest. Default: ${DEFAULT-VALUE}.")
    int subscribeLayer;

    @Option(names = "--last-n", defaultValue = "0", paramLabel = "C",
            description = "With --subscribe: also the C most recent speakers (the relay's dominant speaker first). "
                    + "Default: ${DEFAULT-VALUE}.")
    int lastN;

    @Option(names = "--last-n-layer", defaultValue = "0", paramLabel = "L",
            description = "Layer of the last-N streams. Default: ${DEFAULT-VALUE}.")
    int lastNLayer;

    @Option(names = "--frame-bytes", paramLabel = "BYTES",
            description = "Bytes per synthetic video frame (--video-codec jpeg). Default: the size of one 640x480 "
                    + "test-pattern JPEG.")
    Integer frameBytes;

    @Option(names = "--audio", description = "Also send a 20 ms audio frame every 20 ms from each participant.")
    boolean audio;

    @Option(names = "--audio-codec", defaultValue = "opus", paramLabel = "CODEC",
            description = "Audio with --audio: opus (encoded once before the run, silence suppressed as the clients "
                    + "do) or pcm. The relay mixes in the same codec. Default: ${DEFAULT-VALUE}.")
    String audioCodec;

    @Option(names = "--talkers", paramLabel = "K",
            description = "Participants per room sending a tone (the first K; each 6 dB under the one before, so "
                    + "the relay's dominant speaker is the first); the others send silence. Given without --audio it "
                    + "turns audio on. Default: 3 with --audio, else no audio.")
    Integer talkers;

    @Option(names = "--video-senders", paramLabel = "M",
            description = "Only the first M participants of each room send video (a webinar: 1 presenter, many "
                    + "viewers); all of them receive. Default: all.")
    Integer videoSenders;

    @Option(names = "--loss", defaultValue = "0", paramLabel = "PERCENT",
            description = "Random loss on every media path (both ways), through impairment proxies on loopback in "
                    + "this process; seeded. Default: ${DEFAULT-VALUE}.")
    double lossPercent;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Directory for report.json / sweep.json, sweep.png and the servers' logs. "
                    + "Default: ./loadtest-<date>-<time>.")
    Path out;

    @Option(names = "--server", paramLabel = "HOST:PORT", converter = RelayAddressConverter.class,
            description = "Load a running relay instead of starting one (no CPU or heap figures then); it must run "
                    + "with --plaintext (the load participants speak plain text).")
    RelayAddress server;

    @Option(names = "--cluster", defaultValue = "1", paramLabel = "K",
            description = "Start K relay nodes on loopback forming one cluster and spread each room's participants "
                    + "over them round-robin (a room spans the nodes); the report has a row per node. "
                    + "Default: ${DEFAULT-VALUE}.")
    int clusterNodes;

    @Option(names = "--baseline", arity = "0..1", fallbackValue = "plain", paramLabel = "plain|gso|both",
            description = "Also measure the raw forwarder under the same load and report relay / raw: plain (one send "
                    + "per datagram; the value when none is given), gso (each receiver's datagrams of a frame as one "
                    + "UDP GSO send, Linux epoll) or both. With --sweep it picks the raw forwarders swept "
                    + "(default plain).")
    String baseline;

    @Option(names = "--sweep", description = "Raise N through 2, 3, 4, 6, 8, 12, ... until loss passes 1%%, "
            + "for the relay and the baseline(s); writes sweep.json and sweep.png.")
    boolean sweep;

    @Option(names = "--sweep-max", defaultValue = "128", paramLabel = "N",
            description = "Largest N a sweep tries. Default: ${DEFAULT-VALUE}.")
    int sweepMax;

    @Option(names = "--relay-classpath", paramLabel = "CLASSPATH", defaultValue = "${env:CHORUS_RELAY_CLASSPATH}",
            description = "Classpath holding relay-actors and its libraries, for the servers started here. "
                    + "Default: $CHORUS_RELAY_CLASSPATH, else this JVM's classpath.")
    String relayClasspath;

    @Option(names = "--relay-heap", defaultValue = "1g", paramLabel = "SIZE",
            description = "-Xmx of the servers started here. Default: ${DEFAULT-VALUE}.")
    String relayHeap;

    @Option(names = "--relay-jvm-opt", paramLabel = "OPTION",
            description = "Extra JVM option for the servers started here (repeatable).")
    List<String> relayJvmOptions = new ArrayList<>();

    @Option(names = "--ready-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "How long a started server may take to print its ready line. Default: ${DEFAULT-VALUE}.")
    double readyTimeoutSeconds;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadSpec load = validate();
        Path dir = out != null ? out : Path.of("loadtest-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            err.println("chorus loadtest: cannot create " + dir + " (" + e.getMessage() + ")");
            err.flush();
            return 1;
        }
        try {
            if (sweep) {
                return runSweep(load, dir, stdout);
            }
            return runOnce(load, dir, stdout);
        } catch (ServerProcess.ServerStartException e) {
            err.println("chorus loadtest: " + e.getMessage());
        } catch (IOException e) {
            err.println("chorus loadtest: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("chorus loadtest: interrupted");
        }
        err.flush();
        return 1;
    }

    private int runOnce(LoadSpec load, Path dir, PrintWriter stdout)
            throws IOException, InterruptedException, ServerProcess.ServerStartException {
        Machine machine = Machine.describe();
        SideReport relay;
        if (server != null) {
            relay = LoadTest.run(load, LoadTest.Target.external(server), runId());
        } else {
            try (RelayCluster cluster = RelayCluster.start(clusterNodes, serverOptions(ServerProcess.Kind.RELAY), dir)) {
                relay = LoadTest.run(load, LoadTest.Target.of(cluster), runId());
            }
        }
        SideReport plain = null;
        SideReport gso = null;
        for (Baseline b : baselines()) {
            SideReport side = runBaseline(b, load, dir);
            if (b == Baseline.PLAIN) {
                plain = side;
            } else {
                gso = side;
            }
        }
        LoadReport report = LoadReport.of(machine, load, server == null ? null : server.toString(),
                server == null ? serverOptions().described() : null, relay, plain, gso);
        Path file = dir.resolve("report.json");
        report.write(file);
        stdout.print(report.table());
        stdout.println("report: " + file);
        stdout.flush();
        return 0;
    }

    /** The raw forwarders --baseline asks for, plain first; none without it (a sweep: plain). */
    private List<Baseline> baselines() {
        return baseline != null ? Baseline.parse(baseline) : sweep ? List.of(Baseline.PLAIN) : List.of();
    }

    private SideReport runBaseline(Baseline b, LoadSpec load, Path dir)
            throws IOException, InterruptedException, ServerProcess.ServerStartException {
        try (ServerProcess child = ServerProcess.start(ServerProcess.Kind.BASELINE, serverOptions(b),
                dir.resolve(b.label + ".log"))) {
            return LoadTest.run(load, LoadTest.Target.of(child, b.label), runId());
        }
    }

    private int runSweep(LoadSpec base, Path dir, PrintWriter stdout)
            throws IOException, InterruptedException, ServerProcess.ServerStartException {
        Machine machine = Machine.describe();
        List<Integer> steps = Sweep.participantSteps(sweepMax);
        Sweep.Side relay = Sweep.run(ServerProcess.Kind.RELAY, serverOptions(ServerProcess.Kind.RELAY), base, steps,
                dir.resolve("relay.log"));
        Sweep.Side plain = null;
        Sweep.Side gso = null;
        for (Baseline b : baselines()) {
            Sweep.Side side = Sweep.run(ServerProcess.Kind.BASELINE, b.label, serverOptions(b), base, steps,
                    dir.resolve(b.label + ".log"));
            if (b == Baseline.PLAIN) {
                plain = side;
            } else {
                gso = side;
            }
        }
        Sweep.Report report = Sweep.report(machine, base, steps, serverOptions().described(), relay, plain, gso);
        Path json = dir.resolve("sweep.json");
        Path png = dir.resolve("sweep.png");
        report.write(json);
        SweepPlot.write(report, png);
        stdout.print(report.table());
        stdout.println("report: " + json);
        stdout.println("plot:   " + png);
        stdout.flush();
        return 0;
    }

    /**
     * The relay it starts runs with --plaintext: the load test measures media forwarding (against
     * the raw forwarder, which has no TLS either), and its participants' control connections are
     * plain NIO sockets; TLS costs only the join.
     */
    private ServerProcess.Options serverOptions(ServerProcess.Kind kind) {
        return kind == ServerProcess.Kind.RELAY ? serverOptions().withArgs(List.of("--plaintext")) : serverOptions();
    }

    /** A raw forwarder sending as {@code b} says. */
    private ServerProcess.Options serverOptions(Baseline b) {
        return serverOptions().withArgs(b.args());
    }

    private ServerProcess.Options serverOptions() {
        String cp = relayClasspath == null || relayClasspath.isBlank() ? System.getProperty("java.class.path") : relayClasspath;
        // Every simulated participant connects from this one address, to rooms as large as the run
        // asks: the relay's per-client limits are lifted for its own load (--relay-jvm-opt options given
        // later still win).
        List<String> jvm = new ArrayList<>(List.of("-Dchorus.relay.limits.connections-per-address=1000000",
                "-Dchorus.relay.limits.room-size=1000000"));
        jvm.addAll(relayJvmOptions);
        return new ServerProcess.Options(cp, relayHeap, jvm, Duration.ofMillis(Math.round(readyTimeoutSeconds * 1000)));
    }

    private static String runId() {
        return Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    }

    /** Every check on the command line, so a bad value is a usage error (exit 2) before anything starts. */
    LoadSpec validate() {
        CommandLine cl = spec.commandLine();
        if (sweep && participants != null) {
            throw new ParameterException(cl, "--participants cannot be combined with --sweep (the sweep raises N itself; "
                    + "see --sweep-max)");
        }
        if (baseline != null) {
            try {
                Baseline.parse(baseline);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, e.getMessage());
            }
        }
        if (server != null && (baseline != null || sweep)) {
            throw new ParameterException(cl, "--server cannot be combined with --baseline or --sweep: the baseline "
                    + "runs on this machine, so both sides must be started here to compare them");
        }
        if (clusterNodes < 1 || clusterNodes > MAX_CLUSTER_NODES) {
            throw new ParameterException(cl, "--cluster must be 1.." + MAX_CLUSTER_NODES + ", was " + clusterNodes);
        }
        if (clusterNodes > 1 && (server != null || baseline != null || sweep)) {
            throw new ParameterException(cl, "--cluster cannot be combined with --server, --baseline or --sweep: "
                    + "the raw forwarder has no cluster, and a sweep or a remote relay is one node");
        }
        if (sweepMax < 2) {
            throw new ParameterException(cl, "--sweep-max must be at least 2, was " + sweepMax);
        }
        if (!relayHeap.matches("[1-9][0-9]*[kKmMgG]?")) {
            throw new ParameterException(cl, "--relay-heap must be a size such as 512m or 2g, was '" + relayHeap + "'");
        }
        if (!(readyTimeoutSeconds > 0) || readyTimeoutSeconds > 3_600) {
            throw new ParameterException(cl, "--ready-timeout must be a positive number of seconds");
        }
        double duration = durationSeconds != null ? durationSeconds
                : sweep ? DEFAULT_SWEEP_STEP_SECONDS : DEFAULT_DURATION_SECONDS;
        if (!(duration > 0) || duration > MAX_SECONDS) {
            throw new ParameterException(cl, "--duration must be a positive number of seconds");
        }
        if (!(warmupSeconds >= 0) || warmupSeconds > MAX_SECONDS) {
            throw new ParameterException(cl, "--warmup must be zero or a positive number of seconds");
        }
        if (sweep && videoSenders != null) {
            throw new ParameterException(cl, "--video-senders cannot be combined with --sweep (the sweep raises N with "
                    + "everyone sending)");
        }
        if (sweep && lossPercent != 0) {
            throw new ParameterException(cl, "--sweep raises N until loss passes 1%: it cannot run with --loss");
        }
        String videoCodec = this.videoCodec != null ? this.videoCodec
                : frameBytes != null ? Codec.JPEG_NAME : Codec.H264_NAME;
        if (frameBytes != null && !Codec.JPEG_NAME.equals(videoCodec)) {
            throw new ParameterException(cl, "--frame-bytes sizes synthetic frames: it needs --video-codec jpeg");
        }
        if (layers < 1 || layers > MediaHeader.MAX_LAYERS) {
            throw new ParameterException(cl, "--layers must be 1.." + MediaHeader.MAX_LAYERS + ", was " + layers);
        }
        if (layers > 1 && !Codec.H264_NAME.equals(videoCodec)) {
            throw new ParameterException(cl, "--layers " + layers + " encodes the test pattern per layer: it needs "
                    + "--video-codec h264");
        }
        if (subscribe == null && lastN > 0) {
            throw new ParameterException(cl, "--last-n is part of a subscription: give --subscribe N too (0 for last-N only)");
        }
        if (sweep && subscribe != null) {
            throw new ParameterException(cl, "--subscribe cannot be combined with --sweep (the sweep measures all-to-all)");
        }
        LoadSpec load;
        try {
            SubscriptionPlan plan = subscribe == null ? null : new SubscriptionPlan(subscribe, subscribeLayer, lastN,
                    lastNLayer);
            List<LoadSpec.VideoLayer> simulcast = layers > 1 ? LoadClips.simulcast(layers, videoFps) : List.of();
            MediaClip video = layers > 1 ? simulcast.get(simulcast.size() - 1).clip()
                    : LoadClips.video(videoCodec, videoFps, frameBytes, videoKbps * 1000);
            int perRoom = participants != null ? participants : sweep ? 2 : 4;
            boolean withAudio = audio || talkers != null && talkers > 0;
            load = new LoadSpec(rooms, perRoom, videoFps, video,
                    withAudio ? LoadClips.audio(audioCodec, talkers != null ? talkers : DEFAULT_TALKERS) : null,
                    seconds(warmupSeconds), seconds(duration), impairment(),
                    videoSenders != null ? videoSenders : perRoom, simulcast, plan);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage());
        }
        log.info("video: {}", load.video().describe(videoFps));
        return load;
    }

    private Impairment impairment() {
        if (!(lossPercent >= 0 && lossPercent <= 100)) {
            throw new IllegalArgumentException("--loss must be a percentage 0..100, was " + lossPercent);
        }
        return lossPercent == 0 ? null : Impairment.loss(lossPercent / 100, 13);
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    /** Parses {@code --server}; its message says what was expected. */
    static final class RelayAddressConverter implements CommandLine.ITypeConverter<RelayAddress> {
        @Override
        public RelayAddress convert(String value) {
            try {
                return RelayAddress.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
