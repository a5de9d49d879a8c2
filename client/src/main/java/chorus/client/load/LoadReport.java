package chorus.client.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What {@code chorus loadtest} found: the machine, the load, the relay's figures and, with
 * --baseline, each raw forwarder's beside them (plain sends in {@code baseline}, UDP GSO sends in
 * {@code baselineGso}) and the relay's ratio to each. Written as {@code report.json} and printed
 * as a table.
 */
record LoadReport(Machine machine, Load load, SideReport relay, SideReport baseline,
                  Double throughputRatio, Double p99LatencyRatio,
                  SideReport baselineGso, Double throughputRatioGso, Double p99LatencyRatioGso,
                  List<String> notes) {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static final List<String> NOTES = List.of(
            "Video rates count datagrams (28-byte header + payload + 16-byte tag; no IP/UDP headers) "
                    + "sent in the measured window (in) and received by all participants (out), divided by the window.",
            "Only measured-phase datagrams count; each receiver expects every measured datagram of the streams it "
                    + "wants (all-to-all: every other camera's largest layer; with --subscribe: its page and last-N, "
                    + "see receivers); loss = 1 - delivered/expected, datagrams still in flight after the drain count "
                    + "as lost. Video out counts all the relay sent the receivers, wanted or not.",
            "Latency is one-way, send stamp (System.nanoTime before signing) to receipt, both in this process on "
                    + "one clock; it includes the kernel's loopback path both ways and the generator's own "
                    + "receiver's wake-up (generator.receiving says how it reads), so relay/baseline is the relay's share.",
            "Server CPU is the child's process CPU time over the window divided by the window (1.0 = one core busy); "
                    + "with --cluster, serverUsage sums the nodes and nodes[] has each node, its in/out counting the "
                    + "media of the participants that joined through it (not the traffic between nodes). "
                    + "cpuMicrosPerDatagramOut: the server's CPU-seconds over the datagrams (video and audio) the "
                    + "participants received from it in the window, in microseconds.",
            "Generator CPU is this process's CPU time (OperatingSystemMXBean.getProcessCpuTime) over the window, in "
                    + "cores; generator.saturation says when the generator may have been the limit: generator and "
                    + "server together used 90% or more of the machine's cores, the sender's schedule slipped (p99 "
                    + "lateness past 10 ms, or it ended more than 100 ms late), or measured datagrams still arrived at "
                    + "the end of the drain.",
            "Baselines: baseline is the raw forwarder sending one datagram per send (--send plain), baselineGso the "
                    + "same forwarder sending each receiver's datagrams of one frame as one UDP GSO send (--send gso); "
                    + "both open and seal every datagram per receiver as the relay does.",
            "Audio: the relay mixes, so each receiver gets one mixed frame per 20 ms (~50 frames/s); the raw forwarder "
                    + "fans every talker's frames out unmixed (~50 x (N-1) frames/s).");

    /** The machine the run happened on. */
    /** {@code loadAverage}: the OS's 1-minute load average when the run began (other work skews every figure). */
    record Machine(int cores, String cpu, String jvm, String os, String date, Double loadAverage) {
        static Machine describe() {
            String cpu = null;
            try {
                cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                        .filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).strip().replaceAll("\\s+", " "))
                        .findFirst().orElse(null);
            } catch (IOException | RuntimeException e) {
                // not Linux, or not readable: leave it out
            }
            return new Machine(Runtime.getRuntime().availableProcessors(), cpu,
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                    OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString(), currentLoadAverage());
        }

        private static Double currentLoadAverage() {
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return load < 0 ? null : round(load, 2);
        }

        String oneLine() {
            return cores + " cores" + (cpu == null ? "" : " (" + cpu + ")") + ", " + os + ", " + jvm
                    + (loadAverage == null ? "" : ", load average " + loadAverage);
        }
    }

    /**
     * The offered load. {@code server}: the relay given with --server, else null;
     * {@code serverJvmOptions}: what the servers started here ran with, else null.
     */
    record Load(int rooms, int participantsPerRoom, int videoSendersPerRoom, int videoFps, int frameBytes, double fragmentsPerFrame,
                String videoClip, boolean audio, String audioClip, Integer talkersPerRoom, Double impairedLossRate,
                double warmupSeconds, double durationSeconds, double drainSeconds, String server,
                List<String> serverJvmOptions,
                @com.fasterxml.jackson.annotation.JsonInclude(
                        com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) List<String> simulcastLayers,
                @com.fasterxml.jackson.annotation.JsonInclude(
                        com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String subscriptions) {
        static Load of(LoadSpec spec, String server, List<String> serverJvmOptions) {
            LoadSpec.AudioLoad a = spec.audioLoad();
            return new Load(spec.rooms(), spec.participants(), spec.videoSenders(), spec.videoFps(), spec.frameBytes(),
                    round(spec.video().meanFragments(), 2), spec.video().describe(spec.videoFps()), spec.audio(),
                    a == null ? null : a.talking().get(0).describe(50)
                            + (a.talking().size() > 1 ? " (talker k at 6 dB under talker k-1, " + a.talking().size()
                            + " levels)" : "") + "; silent: " + a.silent().describe(50),
                    a == null ? null : a.talkersPerRoom(),
                    spec.impairment() == null ? null : spec.impairment().lossRate(),
                    spec.warmUp().toMillis() / 1000.0, spec.duration().toMillis() / 1000.0,
                    LoadTest.DRAIN.toMillis() / 1000.0, server, serverJvmOptions,
                    spec.simulcast().isEmpty() ? null : java.util.stream.IntStream.range(0, spec.simulcast().size())
                            .mapToObj(i -> "layer " + i + ": " + spec.simulcast().get(i).fps() + " fps of "
                                    + spec.simulcast().get(i).clip().describe(spec.simulcast().get(i).fps())).toList(),
                    spec.subscriptions() == null ? null : spec.subscriptions().describe());
        }

        String oneLine() {
            return rooms + (rooms == 1 ? " room" : " rooms") + " x " + participantsPerRoom + " participants, "
                    + (videoSendersPerRoom == participantsPerRoom ? "" : videoSendersPerRoom + " sending ") + "video "
                    + (simulcastLayers == null ? videoFps + " fps of " + videoClip + ", " + fragmentsPerFrame
                    + " datagrams/frame" : simulcastLayers.size() + " simulcast layers (" + String.join("; ", simulcastLayers) + ")")
                    + (subscriptions == null ? "" : "; each receiver subscribes to " + subscriptions)
                    + (audio ? "; audio 50 frames/s, " + talkersPerRoom + " talker(s) per room: " + audioClip : "")
                    + (impairedLossRate == null ? "" : "; " + round(impairedLossRate * 100, 2) + "% loss on every path")
                    + "; " + fmt(durationSeconds) + " s measured after " + fmt(warmupSeconds) + " s warm-up";
        }

        private static String fmt(double seconds) {
            return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
        }
    }

    /** One server's figures under the load. */
    record SideReport(String server, String endpoint, int participants, double windowSeconds, Video video,
                      Delivery delivery, Latency latency, Audio audio, ServerUsage serverUsage, Generator generator,
                      SocketDrops socketDrops,
                      @com.fasterxml.jackson.annotation.JsonInclude(
                              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) List<NodeReport> nodes,
                      ReceiverSummary receivers, List<LayerReport> layers, Joining joining) {
        /**
         * Held the load: loss within {@code lossLimit}, and not falling behind: receivers caught up
         * by the end of the drain, p99 latency within the histogram's 100 ms (a queue growing for a
         * whole step shows there before it overflows into loss), no participant dropped.
         */
        boolean held(double lossLimit) {
            return video.loss() <= lossLimit && generator.caughtUp() && latency.p99Micros() != null
                    && latency.p99Micros() < LatencyHistogram.LIMIT_MICROS && generator.controlConnectionsLost() == 0;
        }
    }

    record Video(long sent, long expected, long delivered, double loss, double packetsInPerSecond,
                 long bitsInPerSecond, double packetsOutPerSecond, long bitsOutPerSecond) {
    }

    /**
     * Datagrams the kernel dropped because a socket's receive buffer was full, from the warm-up to
     * the end of the drain: at the server's media sockets, and at the generator's. Null off Linux.
     */
    record SocketDrops(Long server, Long generator) {
    }

    /**
     * One receiver: {@code delivered} of the {@code expected} measured datagrams of the {@code streams}
     * it wanted (see {@link ReceiverSummary}), its whole downlink beside what those streams' senders
     * sent of them (bits, datagrams as sent: header, payload, tag), what else the relay sent it
     * ({@code unsubscribedDatagrams}), its last-N as it stood when the window began (null without
     * --subscribe) and whether it changed during the window, the room as it was told of it (members
     * seen, of them those announcing layers) and any errors the relay sent it.
     */
    record Receiver(String room, String name, long delivered, long expected, double ratio, int node,
                    long downlinkBitsPerSecond, long subscribedBitsPerSecond, Double downlinkOverSubscribed,
                    int streams, long unsubscribedDatagrams,
                    @com.fasterxml.jackson.annotation.JsonInclude(
                            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) List<String> lastN,
                    boolean lastNChangedInWindow, int rosterMembers, int rosterMembersWithLayers,
                    @com.fasterxml.jackson.annotation.JsonInclude(
                            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) List<String> errors) {
    }

    /**
     * How the room filled: every participant joined one after another in {@code seconds}, the last
     * one's hello to welcome in {@code lastJoinMillis}, and every member knew the whole room
     * {@code rosterWaitSeconds} after the last join (null for the raw forwarder, which tells no roster).
     */
    record Joining(double seconds, double lastJoinMillis, Double rosterWaitSeconds) {
    }

    /** The smallest, median and largest of some per-receiver figure. */
    record Spread(double min, double p50, double max) {
        static Spread of(double[] values) {
            if (values.length == 0) {
                return new Spread(0, 0, 0);
            }
            double[] sorted = values.clone();
            java.util.Arrays.sort(sorted);
            int n = sorted.length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Spread(round(sorted[0], 6), round(median, 6), round(sorted[n - 1], 6));
        }
    }

    /**
     * The receivers at a glance. Each wants: all-to-all, every other camera at its largest layer;
     * with --subscribe, its page (the next N video senders in join order) at the page's layer and
     * its last-N (by the dominant-speaker message it had when the window began) at theirs, the larger
     * where both name one. {@code subscribedDatagramsPerSecond}: what their senders sent on those
     * layers; {@code outOverSubscribed}: all the relay sent the receivers over that. The delivery
     * and downlink-over-subscribed spreads leave out receivers that wanted nothing (a webinar's presenter).
     */
    record ReceiverSummary(int receivers, String subscriptions, Spread downlinkBitsPerSecond,
                           Spread downlinkOverSubscribed, Spread delivery,
                           double subscribedDatagramsPerSecond, double receivedDatagramsPerSecond,
                           Double outOverSubscribed, long unsubscribedDatagrams, int lastNChangedInWindow,
                           Map<String, Long> errors) {
    }

    /**
     * One simulcast layer over all video senders: what they sent of it in the window, the frames
     * they paused because the relay's layers-wanted left it out (in the window and in all), the
     * keyframe requests the relay sent for it and the keyframes those (or resuming) forced.
     */
    record LayerReport(int layer, Integer height, int fps, double datagramsPerSecond, long bitsPerSecond,
                       long framesSent, long framesPausedInWindow, long framesPaused, long keyframeRequests,
                       long keyframesForced) {
    }

    record Delivery(double minRatio, double medianRatio, List<Receiver> receivers) {
    }

    /** Percentiles are null when there were no samples; {@code overLimit} samples took {@code limitMicros} or more. */
    record Latency(long samples, Long p50Micros, Long p99Micros, Long p999Micros, long maxMicros, long overLimit,
                   int limitMicros) {
        static Latency of(LatencyHistogram h) {
            return new Latency(h.samples(), h.percentileMicros(0.50), h.percentileMicros(0.99),
                    h.percentileMicros(0.999), h.maxMicros(), h.overflow(), LatencyHistogram.LIMIT_MICROS);
        }
    }

    record Audio(long datagramsSent, double datagramsInPerSecond, long bitsInPerSecond, double datagramsOutPerSecond,
                 long bitsOutPerSecond, double framesPerReceiverPerSecond, double expectedFramesPerReceiverPerSecond,
                 String why) {
    }

    /**
     * The server's own use of the machine; null where it is not a child of this run (--server). For a
     * cluster: node 0's pid, and CPU and heap summed over the nodes (each node's in {@code nodes}).
     */
    record ServerUsage(Long pid, Double cpuCores, int coresAvailable, Long heapAfterGcBytes, String heapProblem,
                       Double cpuMicrosPerDatagramOut) {
        /** @param datagramsOutPerSecond what the participants received from the server (video and audio) */
        static ServerUsage of(List<NodeReport> nodes, int cores, String problem, double datagramsOutPerSecond) {
            Double cpu = 0.0;
            Long heap = 0L;
            String heapProblem = problem;
            for (NodeReport n : nodes) {
                cpu = cpu == null || n.cpuCores() == null ? null : cpu + n.cpuCores();
                heap = heap == null || n.heapAfterGcBytes() == null ? null : heap + n.heapAfterGcBytes();
                heapProblem = heapProblem != null ? heapProblem : n.heapProblem();
            }
            return new ServerUsage(nodes.get(0).pid(), cpu == null ? null : round(cpu, 3), cores, heap, heapProblem,
                    cpu == null || datagramsOutPerSecond <= 0 ? null : round(cpu / datagramsOutPerSecond * 1e6, 3));
        }
    }

    /**
     * One relay node: what its own participants sent it (in) and received from it (out) in the
     * window, its CPU (1.0 = one core busy) and heap after a full GC; traffic between nodes is not in
     * these. {@code forwardedDatagramsPerSecondByLayer}: the node's own count over the window
     * ({@value RelayMetrics#FORWARDED} by layer, to clients and nodes), null when it exports none.
     */
    record NodeReport(int node, String endpoint, Long pid, int participants, double videoDatagramsInPerSecond,
                      long videoBitsInPerSecond, double videoDatagramsOutPerSecond, long videoBitsOutPerSecond,
                      Double cpuCores, Long heapAfterGcBytes, String heapProblem,
                      @com.fasterxml.jackson.annotation.JsonInclude(
                              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                      Map<String, Double> forwardedDatagramsPerSecondByLayer,
                      @com.fasterxml.jackson.annotation.JsonInclude(
                              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                      Map<String, Double> udpSendsInWindow) {

        /** Frames of two or more fragments that went to a receiver in one send, of all such frames; null when not counted. */
        @com.fasterxml.jackson.annotation.JsonProperty
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        public Double framesSentWholeShare() {
            if (udpSendsInWindow == null) {
                return null;
            }
            double whole = udpSendsInWindow.getOrDefault("framesWhole", 0.0);
            double all = whole + udpSendsInWindow.getOrDefault("framesSplit", 0.0);
            return all == 0 ? null : round(whole / all, 4);
        }
    }

    /**
     * The load generator's own state: if it was the bottleneck, it shows here. {@code cpuCores}: this
     * process over the window; {@code receiving}: how its receivers read; {@code saturation}: why
     * the generator may have limited the run (empty when nothing says so).
     */
    record Generator(Double cpuCores, Double senderThreadCpu, Double receiverThreadCpu,
                     Long sendLatenessP99Micros, long sendLatenessMaxMicros, long sendBufferFull, long sendErrors,
                     long ignoredDatagrams, boolean caughtUp, int controlConnectionsLost, String receiving,
                     List<String> saturation) {
    }

    /** {@code baseline} (plain sends) and {@code baselineGso} are null when not measured. */
    static LoadReport of(Machine machine, LoadSpec spec, String server, List<String> serverJvmOptions,
                         SideReport relay, SideReport baseline, SideReport baselineGso) {
        return new LoadReport(machine, Load.of(spec, server, serverJvmOptions), relay,
                baseline, ratio(relay, baseline, OUT_PER_SECOND), ratio(relay, baseline, P99),
                baselineGso, ratio(relay, baselineGso, OUT_PER_SECOND), ratio(relay, baselineGso, P99), NOTES);
    }

    private static final Function<SideReport, Double> OUT_PER_SECOND = s -> s.video().packetsOutPerSecond();
    private static final Function<SideReport, Double> P99 = s -> s.latency().p99Micros() == null ? null
            : s.latency().p99Micros().doubleValue();
    private static final Function<SideReport, Double> CPU_PER_DATAGRAM = s -> s.serverUsage().cpuMicrosPerDatagramOut();

    /** {@code figure} of the relay over the baseline's; null without a baseline or a figure. */
    private static Double ratio(SideReport relay, SideReport baseline, Function<SideReport, Double> figure) {
        if (baseline == null) {
            return null;
        }
        Double r = figure.apply(relay);
        Double b = figure.apply(baseline);
        return r == null || b == null ? null : ratio(r, b);
    }

    /** The baselines measured, plain first. */
    List<SideReport> baselines() {
        List<SideReport> all = new ArrayList<>();
        if (baseline != null) {
            all.add(baseline);
        }
        if (baselineGso != null) {
            all.add(baselineGso);
        }
        return all;
    }

    static Double ratio(double a, double b) {
        return b > 0 && a >= 0 ? round(a / b, 4) : null;
    }

    static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }

    void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    /** The readable table: relay and baseline side by side, with relay/baseline where it means something. */
    String table() {
        StringBuilder out = new StringBuilder();
        out.append("Chorus load test: ").append(load.oneLine()).append('\n');
        out.append("machine: ").append(machine.oneLine()).append(", ").append(machine.date()).append('\n');
        if (load.server() != null) {
            out.append("relay: ").append(load.server()).append(" (not started by this run: no CPU or heap figures)\n");
        } else {
            out.append("servers' JVM options: ").append(String.join(" ", load.serverJvmOptions())).append('\n');
        }
        Table t = new Table(baselines());
        t.row("video datagrams/s in", s -> num(s.video().packetsInPerSecond()), null);
        t.row("video datagrams/s out", s -> num(s.video().packetsOutPerSecond()), OUT_PER_SECOND);
        t.row("video Mbit/s in", s -> mbit(s.video().bitsInPerSecond()), null);
        t.row("video Mbit/s out", s -> mbit(s.video().bitsOutPerSecond()), null);
        t.row("delivered/expected", s -> s.video().delivered() + "/" + s.video().expected(), null);
        t.row("loss", s -> pct(s.video().loss()), null);
        t.row("receiver delivery min", s -> pct(s.delivery().minRatio()), null);
        t.row("receiver delivery median", s -> pct(s.delivery().medianRatio()), null);
        t.row("receiver delivery min/p50/max", s -> s.receivers() == null ? "n/a" : String.format(Locale.ROOT,
                "%.1f/%.1f/%.1f%%", s.receivers().delivery().min() * 100, s.receivers().delivery().p50() * 100,
                s.receivers().delivery().max() * 100), null);
        t.row("receiver downlink Mbit/s min/p50/max", s -> s.receivers() == null ? "n/a" : String.format(Locale.ROOT,
                "%.2f/%.2f/%.2f", s.receivers().downlinkBitsPerSecond().min() / 1e6,
                s.receivers().downlinkBitsPerSecond().p50() / 1e6, s.receivers().downlinkBitsPerSecond().max() / 1e6), null);
        t.row("receiver downlink / subscribed min/p50/max", s -> s.receivers() == null ? "n/a" : String.format(Locale.ROOT,
                "%.3f/%.3f/%.3f", s.receivers().downlinkOverSubscribed().min(), s.receivers().downlinkOverSubscribed().p50(),
                s.receivers().downlinkOverSubscribed().max()), null);
        t.row("video out / subscribed", s -> s.receivers() == null || s.receivers().outOverSubscribed() == null ? "n/a"
                : String.format(Locale.ROOT, "%.3f", s.receivers().outOverSubscribed()), null);
        t.row("join: all (s) / the last (ms)", s -> s.joining() == null ? "n/a" : String.format(Locale.ROOT,
                "%.1f / %.1f", s.joining().seconds(), s.joining().lastJoinMillis()), null);
        t.row("latency p50 (ms)", s -> ms(s.latency().p50Micros()), null);
        t.row("latency p99 (ms)", s -> ms(s.latency().p99Micros()), P99);
        t.row("latency p99.9 (ms)", s -> ms(s.latency().p999Micros()), null);
        t.row("latency max (ms)", s -> ms(s.latency().maxMicros()), null);
        if (load.audio()) {
            t.row("audio datagrams/s in", s -> num(s.audio().datagramsInPerSecond()), null);
            t.row("audio datagrams/s out", s -> num(s.audio().datagramsOutPerSecond()), null);
            t.row("audio frames/s per receiver", s -> String.format(Locale.ROOT, "%.1f (~%.0f)",
                    s.audio().framesPerReceiverPerSecond(), s.audio().expectedFramesPerReceiverPerSecond()), null);
        }
        t.row("server CPU (cores)", s -> s.serverUsage().cpuCores() == null ? "n/a"
                : String.format(Locale.ROOT, "%.2f of %d", s.serverUsage().cpuCores(), s.serverUsage().coresAvailable()), null);
        t.row("server CPU per datagram out (µs)", s -> s.serverUsage().cpuMicrosPerDatagramOut() == null ? "n/a"
                : String.format(Locale.ROOT, "%.2f", s.serverUsage().cpuMicrosPerDatagramOut()), CPU_PER_DATAGRAM);
        t.row("server heap after GC (MiB)", s -> s.serverUsage().heapAfterGcBytes() == null ? "n/a"
                : String.format(Locale.ROOT, "%.1f", s.serverUsage().heapAfterGcBytes() / 1048576.0), null);
        t.row("socket drops server / generator", s -> s.socketDrops() == null ? "n/a"
                : s.socketDrops().server() + " / " + s.socketDrops().generator(), null);
        t.row("generator CPU (cores)", s -> s.generator().cpuCores() == null ? "n/a"
                : String.format(Locale.ROOT, "%.2f", s.generator().cpuCores()), null);
        t.row("  sender / receiver thread", s -> String.format(Locale.ROOT, "%s / %s",
                share(s.generator().senderThreadCpu()), share(s.generator().receiverThreadCpu())), null);
        t.row("  send lateness p99 (ms)", s -> ms(s.generator().sendLatenessP99Micros()), null);
        t.row("  receivers read with", s -> s.generator().receiving(), null);
        out.append(t);
        if (relay.nodes() != null) {
            out.append(nodeTable(relay.nodes()));
        }
        if (relay.layers() != null) {
            out.append(layerTable(relay.layers()));
        }
        if (relay.receivers() != null) {
            ReceiverSummary r = relay.receivers();
            out.append("subscriptions: ").append(r.subscriptions());
            if (r.lastNChangedInWindow() > 0) {
                out.append("; ").append(r.lastNChangedInWindow()).append(" receiver(s) saw their last-N change in the window");
            }
            if (!r.errors().isEmpty()) {
                out.append("; relay errors: ").append(r.errors());
            }
            out.append('\n');
        }
        List<SideReport> sides = new ArrayList<>(List.of(relay));
        sides.addAll(baselines());
        for (SideReport s : sides) {
            for (String why : s.generator().saturation()) {
                out.append(s.server()).append(": the generator may have been the limit: ").append(why).append('\n');
            }
            if (s.serverUsage().heapProblem() != null && load.server() == null) {
                out.append(s.server()).append(" heap: ").append(s.serverUsage().heapProblem()).append('\n');
            }
            if (!s.generator().caughtUp()) {
                out.append(s.server()).append(": measured datagrams were still arriving at the end of the drain\n");
            }
            if (s.generator().sendBufferFull() + s.generator().sendErrors() > 0) {
                out.append(s.server()).append(": the generator could not send ")
                        .append(s.generator().sendBufferFull() + s.generator().sendErrors()).append(" datagrams\n");
            }
        }
        if (load.audio()) {
            out.append("audio: the relay mixes (one frame per 20 ms per receiver, ~50/s); "
                    + "the raw forwarder fans out unmixed (~50 x (N-1)/s)\n");
        }
        return out.toString();
    }

    /** One row per simulcast layer. */
    private static String layerTable(List<LayerReport> layers) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-6s %6s %4s %12s %9s %12s %14s %10s%n", "layer", "height", "fps",
                "datagrams/s", "Mbit/s", "frames sent", "paused (window)", "kf requests"));
        for (LayerReport l : layers) {
            b.append(String.format(Locale.ROOT, "%-6d %6s %4d %12s %9s %12d %14s %10d%n", l.layer(),
                    l.height() == null ? "-" : l.height().toString(), l.fps(), num(l.datagramsPerSecond()),
                    mbit(l.bitsPerSecond()), l.framesSent(), l.framesPaused() + " (" + l.framesPausedInWindow() + ")",
                    l.keyframeRequests()));
        }
        return b.toString();
    }

    /** One row per relay node of a cluster. */
    private static String nodeTable(List<NodeReport> nodes) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-5s %-22s %6s %12s %12s %9s %9s %8s %9s%n", "node", "control",
                "people", "datagrams/s", "datagrams/s", "Mbit/s", "Mbit/s", "CPU", "heap MiB"));
        b.append(String.format(Locale.ROOT, "%-5s %-22s %6s %12s %12s %9s %9s %8s %9s%n", "", "", "", "in", "out",
                "in", "out", "(cores)", "after GC"));
        for (NodeReport n : nodes) {
            b.append(String.format(Locale.ROOT, "%-5d %-22s %6d %12s %12s %9s %9s %8s %9s%n", n.node(), n.endpoint(),
                    n.participants(), num(n.videoDatagramsInPerSecond()), num(n.videoDatagramsOutPerSecond()),
                    mbit(n.videoBitsInPerSecond()), mbit(n.videoBitsOutPerSecond()), share(n.cpuCores()),
                    n.heapAfterGcBytes() == null ? "n/a"
                            : String.format(Locale.ROOT, "%.1f", n.heapAfterGcBytes() / 1048576.0)));
        }
        for (NodeReport n : nodes) {
            if (n.forwardedDatagramsPerSecondByLayer() != null) {
                b.append("node ").append(n.node()).append(" forwarded video datagrams/s by layer (its own count): ")
                        .append(n.forwardedDatagramsPerSecondByLayer()).append('\n');
            }
            if (n.udpSendsInWindow() != null) {
                b.append("node ").append(n.node()).append(" UDP sends in the window: ").append(n.udpSendsInWindow())
                        .append(", frames sent whole ").append(n.framesSentWholeShare()).append('\n');
            }
        }
        return b.toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String mbit(long bits) {
        return String.format(Locale.ROOT, "%.1f", bits / 1e6);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f%%", v * 100);
    }

    private static String ms(Long micros) {
        return micros == null ? "n/a" : String.format(Locale.ROOT, "%.3f", micros / 1000.0);
    }

    private static String share(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** Columns: what, relay, each baseline, then relay/baseline for each. */
    private final class Table {
        private final List<SideReport> baselines;
        private final List<String[]> rows = new ArrayList<>();

        Table(List<SideReport> baselines) {
            this.baselines = baselines;
            List<String> head = new ArrayList<>(List.of("", "relay"));
            baselines.forEach(b -> head.add(b.server()));
            baselines.forEach(b -> head.add("relay/" + b.server()));
            rows.add(head.toArray(String[]::new));
        }

        /** {@code ratioOf}: the figure whose relay/baseline ratio the row shows, or null for none. */
        void row(String what, Function<SideReport, String> value, Function<SideReport, Double> ratioOf) {
            List<String> row = new ArrayList<>(List.of(what, value.apply(relay)));
            baselines.forEach(b -> row.add(value.apply(b)));
            for (SideReport b : baselines) {
                Double ratio = ratioOf == null ? null : ratio(relay, b, ratioOf);
                row.add(ratio == null ? "" : String.format(Locale.ROOT, "%.3f", ratio));
            }
            rows.add(row.toArray(String[]::new));
        }

        @Override
        public String toString() {
            int[] width = new int[rows.get(0).length];
            for (String[] r : rows) {
                for (int i = 0; i < r.length; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            StringBuilder b = new StringBuilder();
            for (String[] r : rows) {
                b.append(String.format("%-" + width[0] + "s", r[0]));
                for (int i = 1; i < r.length; i++) {
                    b.append("  ").append(String.format("%" + Math.max(width[i], 12) + "s", r[i]));
                }
                b.append('\n');
            }
            return b.toString();
        }
    }
}
