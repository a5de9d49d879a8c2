package chorus.client.load;

import chorus.client.load.LoadReport.Audio;
import chorus.client.load.LoadReport.Delivery;
import chorus.client.load.LoadReport.Generator;
import chorus.client.load.LoadReport.Joining;
import chorus.client.load.LoadReport.Latency;
import chorus.client.load.LoadReport.NodeReport;
import chorus.client.load.LoadReport.Receiver;
import chorus.client.load.LoadReport.ServerUsage;
import chorus.client.load.LoadReport.SideReport;
import chorus.client.load.LoadReport.SocketDrops;
import chorus.client.load.LoadReport.Video;
import chorus.client.session.RelayAddress;
import chorus.protocol.control.ControlMessage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One measurement: joins the participants, gets every socket learned, warms up, measures for
 * the duration, stops sending, drains, then leaves and turns the counters into a
 * {@link SideReport}. Callable in-process (tests do); every wait in it is bounded.
 */
final class LoadTest {
    private static final Logger log = LoggerFactory.getLogger(LoadTest.class);
    /** After the last send, how long receivers keep counting what is still in flight. */
    static final Duration DRAIN = Duration.ofMillis(500);
    /** A measured datagram arriving this close to the end of the drain means receivers were behind. */
    private static final Duration CAUGHT_UP_MARGIN = Duration.ofMillis(100);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LEARN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration HELLO_INTERVAL = Duration.ofMillis(100);
    private static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLUSTER_POLL = Duration.ofMillis(200);
    private static final Duration ROSTER_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration ROSTER_TIMEOUT_PER_MEMBER = Duration.ofMillis(20);
    private static final Duration ROSTER_POLL = Duration.ofMillis(20);
    /** How long past the end of the window the sender may take to catch up before it is stopped. */
    private static final Duration SENDER_GRACE = Duration.ofSeconds(5);
    private static final Duration THREAD_STOP_WAIT = Duration.ofSeconds(2);
    /** Generator and server together using this share of the machine's cores: the machine, not the server, is the limit. */
    private static final double SATURATED_SHARE = 0.9;
    /** The sender's p99 lateness past this: its schedule slipped. */
    private static final Duration LATE_SENDS = Duration.ofMillis(10);
    /** The sender ending this long after the window: it fell behind. */
    private static final Duration SENDER_OVERRUN = Duration.ofMillis(100);

    /** One server under load: its control endpoint and, when this run started it, its process. */
    record Node(RelayAddress control, ServerProcess process) {
    }

    /**
     * The server under load: a child this run started, the nodes of a cluster it started (a room's
     * participants are spread over them round-robin, so a room spans nodes), or one given with --server.
     */
    record Target(String label, List<Node> nodes, boolean chorusRelay) {
        Target {
            nodes = List.copyOf(nodes);
        }

        /** The Chorus relay mixes audio; the raw forwarder fans it out. */
        boolean mixesAudio() {
            return chorusRelay;
        }

        /** The Chorus relay tells each member the roster and takes subscriptions; the raw forwarder does neither. */
        boolean tellsRosters() {
            return chorusRelay;
        }

        static Target of(ServerProcess process) {
            return of(process, process.kind().label);
        }

        /** {@code process} reported as {@code label} (a raw forwarder by how it sends). */
        static Target of(ServerProcess process, String label) {
            return new Target(label, List.of(new Node(process.control(), process)),
                    process.kind() == ServerProcess.Kind.RELAY);
        }

        static Target of(RelayCluster cluster) {
            return new Target(ServerProcess.Kind.RELAY.label,
                    cluster.nodes().stream().map(n -> new Node(n.control(), n)).toList(), true);
        }

        static Target external(RelayAddress control) {
            return new Target("relay", List.of(new Node(control, null)), true);
        }

        /** The first node's control endpoint: the one a single server has. */
        RelayAddress control() {
            return nodes.get(0).control();
        }

        /** True when this run started the servers, so their CPU and heap can be read. */
        boolean started() {
            return nodes.get(0).process() != null;
        }

        /** The node the participant at {@code indexInRoom} joins through. */
        int nodeOf(int indexInRoom) {
            return indexInRoom % nodes.size();
        }
    }

    private LoadTest() {
    }

    /**
     * Runs {@code spec} against {@code target}; {@code runId} keeps room names apart when one server
     * sees several runs.
     *
     * @throws IOException when participants cannot join or their sockets are not learned in time
     */
    static SideReport run(LoadSpec spec, Target target, String runId) throws IOException, InterruptedException {
        List<LoadParticipant> participants = new ArrayList<>();
        LoadSockets sockets = LoadSockets.open();
        ControlConnections control = ControlConnections.start();
        LoadImpairment impairment = spec.impairment() == null ? null : new LoadImpairment(spec.impairment());
        try {
            if (target.nodes().size() > 1) {
                awaitClusterFormed(target, control, runId);
            }
            long joinStart = System.nanoTime();
            long lastJoin = join(spec, target, runId, sockets, control, participants, impairment);
            long joined = System.nanoTime();
            if (target.tellsRosters()) {
                awaitRosters(spec, participants);
            }
            Joining joining = new Joining(LoadReport.round((joined - joinStart) / 1e9, 3),
                    LoadReport.round(lastJoin / 1e6, 1),
                    target.tellsRosters() ? LoadReport.round((System.nanoTime() - joined) / 1e9, 3) : null);
            log.info("{}: {} joined in {} s (the last in {} ms), rosters complete {} s after", target.label(),
                    participants.size(), joining.seconds(), joining.lastJoinMillis(), joining.rosterWaitSeconds());
            if (spec.subscriptions() != null && target.tellsRosters()) {
                subscribe(spec, participants);
            }
            SideReport report = measure(spec, target, sockets, control, participants, joining);
            if (impairment != null) {
                log.info("{}: the impairment proxies dropped {} of {} datagrams ({}%)", target.label(), impairment.lost(),
                        impairment.lost() + impairment.passed(), LoadReport.round(100.0 * impairment.lost()
                                / Math.max(1, impairment.lost() + impairment.passed()), 2));
            }
            return report;
        } finally {
            if (impairment != null) {
                impairment.close();
            }
            control.close(); // stops answering pings, then leaves on every connection
            for (LoadParticipant p : participants) {
                p.leave();
            }
            sockets.close();
        }
    }

    /**
     * Until every node's welcome lists all the other nodes (the cluster is up; a room joined before
     * would not span them yet): a probe joins and leaves through each node, every 200 ms, bounded.
     */
    private static void awaitClusterFormed(Target target, ControlConnections control, String runId)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + CLUSTER_TIMEOUT.toNanos();
        for (int i = 0; i < target.nodes().size(); i++) {
            while (true) {
                ControlConnections.Link probe = control.join(target.nodes().get(i).control(),
                        new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "probe", "load-" + runId + "-probe",
                                "chorus-loadtest/0.1"), JOIN_TIMEOUT);
                List<String> others = ControlConnections.welcome(probe).nodes();
                ControlConnections.leave(probe);
                if (others != null && others.size() >= target.nodes().size() - 1) {
                    break;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("relay node " + i + " sees " + (others == null ? 0 : others.size())
                            + " other nodes after " + CLUSTER_TIMEOUT.toSeconds() + " s, not "
                            + (target.nodes().size() - 1));
                }
                LockSupport.parkNanos(CLUSTER_POLL.toNanos());
            }
        }
        log.info("{}: the cluster of {} nodes is up", target.label(), target.nodes().size());
    }

    /**
     * Until every participant has been told of its whole room (in a cluster the room spans nodes,
     * and a subscription naming someone its node does not know yet would be refused), bounded.
     */
    private static void awaitRosters(LoadSpec spec, List<LoadParticipant> participants) throws IOException {
        long deadline = System.nanoTime() + ROSTER_TIMEOUT.toNanos() + ROSTER_TIMEOUT_PER_MEMBER.toNanos() * participants.size();
        while (true) {
            int behind = 0;
            List<String> examples = new ArrayList<>();
            for (LoadParticipant p : participants) {
                int members = ControlConnections.members(p.control);
                if (members != spec.participants()) {
                    behind++;
                    if (examples.size() < 5) {
                        examples.add(p.name + " of " + p.roomName + " (node " + p.node + ") knows " + members);
                    }
                }
            }
            if (behind == 0) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException(behind + " of " + participants.size() + " participants were not told of all "
                        + spec.participants() + " members of their room in time: " + String.join(", ", examples));
            }
            LockSupport.parkNanos(ROSTER_POLL.toNanos());
        }
    }

    /** Each receiver's subscribe (the plan's page by the members' ids, and its last-N). */
    private static void subscribe(LoadSpec spec, List<LoadParticipant> participants) throws IOException {
        SubscriptionPlan plan = spec.subscriptions();
        for (LoadParticipant p : participants) {
            List<String> page = new ArrayList<>();
            for (int other : plan.page(p.indexInRoom, spec.participants(), spec.videoSenders())) {
                page.add(participants.get(p.index - p.indexInRoom + other).participantId);
            }
            ControlConnections.send(p.control, plan.message(page));
        }
        log.info("{} participants subscribed: {}", participants.size(), plan.describe());
    }

    /** Joins everyone, one after another; returns how long the last join took (hello to welcome), in nanoseconds. */
    private static long join(LoadSpec spec, Target target, String runId, LoadSockets sockets, ControlConnections control,
                             List<LoadParticipant> participants, LoadImpairment impairment)
            throws IOException, InterruptedException {
        long last = 0;
        log.info("{}: joining {} participants in {} room(s)", target.label(), spec.totalParticipants(), spec.rooms());
        for (int r = 0; r < spec.rooms(); r++) {
            String room = "load-" + runId + "-r" + r;
            for (int i = 0; i < spec.participants(); i++) {
                long start = System.nanoTime();
                participants.add(LoadParticipant.join(sockets, control, target.nodes().get(target.nodeOf(i)).control(),
                        target.nodeOf(i), participants.size(), r, i, room,
                        "p" + i, spec.audio() ? spec.audioLoad().clipFor(i) : null,
                        spec.sendsVideo(i) ? spec.videoLayers() : List.of(), spec.layerHeights(),
                        spec.videoSenders() * spec.videoLayers().size(), impairment, JOIN_TIMEOUT));
                last = System.nanoTime() - start;
            }
        }
        return last;
    }

    private static SideReport measure(LoadSpec spec, Target target, LoadSockets sockets, ControlConnections control,
                                      List<LoadParticipant> participants, Joining joining)
            throws IOException, InterruptedException {
        LoadReceiver receiver = sockets.receiver(participants);
        receiver.start();
        Thread sending = null;
        LoadSender sender = null;
        try {
            learnAddresses(participants);
            // One sample before any traffic, thrown away: the first one builds the HTTP client the
            // nodes' metrics are read with (300 ms of class loading on an idle core) and makes each
            // node render its metrics for the first time. Taken at the window's start, that burst
            // starved the receiver thread and held every datagram of the window's first 300 ms for
            // 100-400 ms: the relay runs' p99 (the raw forwarder's run came second and found it done).
            Sample.take(target, receiver);
            UdpSocketDrops dropsBefore = UdpSocketDrops.read();

            long start = System.nanoTime() + Duration.ofMillis(20).toNanos();
            long measureStart = start + spec.warmUp().toNanos();
            long measureEnd = measureStart + spec.duration().toNanos();
            receiver.window(measureStart, measureEnd);
            sender = new LoadSender(participants.stream().filter(LoadParticipant::sendsVideo).toList(),
                    participants, spec.videoFps(), spec.audioLoad(), start, measureStart, measureEnd);
            sending = new Thread(sender, "load-send");
            sending.setDaemon(true);
            sending.start();
            log.info("{}: warming up {} ms, then measuring {} ms", target.label(), spec.warmUp().toMillis(),
                    spec.duration().toMillis());

            parkUntil(measureStart);
            Sample before = Sample.take(target, receiver);
            parkUntil(measureEnd);
            Sample after = Sample.take(target, receiver);

            sending.join(SENDER_GRACE.toMillis());
            if (sending.isAlive()) {
                log.warn("{}: the sender is still {} s behind; stopping it", target.label(), SENDER_GRACE.toSeconds());
                sender.stop();
                sending.join(THREAD_STOP_WAIT.toMillis());
            }
            long drainEnd = Math.max(measureEnd, sender.finishedAt()) + DRAIN.toNanos();
            parkUntil(drainEnd);
            receiver.stop();
            UdpSocketDrops dropsAfter = UdpSocketDrops.read();
            SocketDrops drops = socketDrops(dropsBefore, dropsAfter, participants);

            List<ServerProcess.HeapReading> heap = new ArrayList<>();
            for (Node node : target.nodes()) {
                heap.add(node.process() == null ? null : node.process().heapAfterGc());
            }
            return report(spec, target, participants, receiver, sender, measureStart, measureEnd, before, after, heap, drops,
                    caughtUp(receiver.lastMeasuredArrival(), drainEnd),
                    control.lost(), joining);
        } finally {
            if (sender != null) {
                sender.stop();
            }
            receiver.stop();
            if (sending != null) {
                sending.join(THREAD_STOP_WAIT.toMillis());
            }
        }
    }

    /** Receive-buffer drops at the server's media sockets and at the generator's, over the run. */
    private static SocketDrops socketDrops(UdpSocketDrops before, UdpSocketDrops after, List<LoadParticipant> participants) {
        Set<Integer> server = new HashSet<>();
        Set<Integer> generator = new HashSet<>();
        for (LoadParticipant p : participants) {
            server.add(p.videoEndpoint.getPort());
            generator.add(p.video.localPort());
            if (p.audio != null) {
                server.add(p.audioEndpoint.getPort());
                generator.add(p.audio.localPort());
            }
        }
        return new SocketDrops(UdpSocketDrops.since(before, after, server), UdpSocketDrops.since(before, after, generator));
    }

    /** True unless measured datagrams were still arriving in the last moments of the drain. */
    private static boolean caughtUp(long lastMeasuredArrival, long drainEnd) {
        return lastMeasuredArrival == 0 || lastMeasuredArrival - (drainEnd - CAUGHT_UP_MARGIN.toNanos()) < 0;
    }

    /** HELLO from every socket every 100 ms until the relay acks each, as a client does (PROTOCOL.md §4.3). */
    private static void learnAddresses(List<LoadParticipant> participants) throws IOException {
        ByteBuffer scratch = ByteBuffer.allocate(64);
        long deadline = System.nanoTime() + LEARN_TIMEOUT.toNanos();
        while (true) {
            int waiting = 0;
            for (LoadParticipant p : participants) {
                if (!p.learned()) {
                    waiting++;
                    p.sendHellos(scratch);
                }
            }
            if (waiting == 0) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("the relay did not acknowledge the HELLO of " + waiting + " of "
                        + participants.size() + " participants within " + LEARN_TIMEOUT.toSeconds() + " s");
            }
            LockSupport.parkNanos(HELLO_INTERVAL.toNanos());
        }
    }

    private static void parkUntil(long deadline) throws InterruptedException {
        long wait;
        while ((wait = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /**
     * CPU clocks read at one instant: each server child, this process, the receiver thread. (The
     * sender ends right before the window does, so it times itself.)
     */
    private record Sample(long wallNanos, List<Long> serverCpu, List<Map<String, Double>> forwarded,
                          List<Map<String, Double>> udpSends, Long selfCpu,
                          long receiverCpu) {
        static Sample take(Target target, LoadReceiver receiver) {
            // The clocks first, at one instant; the nodes' metrics after, since an HTTP round trip to a
            // busy node can take long and must not come between the wall clock and the CPU clocks.
            long wall = System.nanoTime();
            List<Long> servers = new ArrayList<>();
            for (Node node : target.nodes()) {
                servers.add(node.process() == null ? null : node.process().cpuNanos());
            }
            long processCpu = PROCESS.getProcessCpuTime();
            Long self = processCpu < 0 ? null : processCpu;
            long receiving = receiver.cpuNanos();
            List<Map<String, Double>> forwarded = new ArrayList<>();
            List<Map<String, Double>> udp = new ArrayList<>();
            for (Node node : target.nodes()) {
                RelayMetrics.Scrape scrape = node.process() == null || node.process().ready() == null ? null
                        : RelayMetrics.scrape(node.process().ready().metricsPort());
                forwarded.add(scrape == null ? null : scrape.forwardedByLayer());
                udp.add(scrape == null ? null : scrape.udpSends());
            }
            return new Sample(wall, servers, forwarded, udp, self, receiving);
        }

        private static final com.sun.management.OperatingSystemMXBean PROCESS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        static Double share(Long before, Long after, long wall) {
            return before == null || after == null || before < 0 || after < 0 || wall <= 0
                    ? null : LoadReport.round((double) (after - before) / wall, 3);
        }
    }

    private static SideReport report(LoadSpec spec, Target target, List<LoadParticipant> participants,
                                     LoadReceiver receiver, LoadSender sender, long measureStart, long measureEnd,
                                     Sample before, Sample after,
                                     List<ServerProcess.HeapReading> heap, SocketDrops drops, boolean caughtUp,
                                     int controlLost, Joining joining) {
        double window = spec.duration().toNanos() / 1e9;
        long sent = 0;
        long sentBytes = 0;
        long audioSent = 0;
        long audioReceived = 0;
        long audioSentBytes = 0;
        long audioReceivedBytes = 0;
        long sendBufferFull = 0;
        long sendErrors = 0;
        List<Double> audioFrameRates = new ArrayList<>();
        for (LoadParticipant p : participants) {
            sent += p.videoSentMeasured;
            sentBytes += p.videoBytesSentMeasured;
            audioSent += p.audioSentMeasured;
            audioReceived += p.audioDatagramsInWindow;
            audioSentBytes += p.audioBytesSentMeasured;
            audioReceivedBytes += p.audioBytesInWindow;
            sendBufferFull += p.sendBufferFull;
            sendErrors += p.sendErrors;
            audioFrameRates.add(p.audioFramesInWindow / window);
        }
        audioFrameRates.sort(null);
        ReceiverDeliveries.Result deliveries = ReceiverDeliveries.of(spec, participants, measureStart, measureEnd, window);
        long expected = deliveries.expected();
        long delivered = deliveries.delivered();
        List<Receiver> receivers = deliveries.receivers();
        // a receiver that wanted nothing (a webinar's presenter) has no delivery to rank
        List<Double> ratios = new ArrayList<>(receivers.stream().filter(r -> r.expected() > 0).map(Receiver::ratio).toList());
        if (ratios.isEmpty()) {
            ratios.add(0.0);
        }
        ratios.sort(null);
        double loss = expected == 0 ? 1 : LoadReport.round(1 - (double) delivered / expected, 6);
        // out: all the relay sent the receivers, subscribed or not (the same as delivered when all-to-all)
        Video video = new Video(sent, expected, delivered, loss,
                LoadReport.round(sent / window, 1), Math.round(sentBytes * 8 / window),
                LoadReport.round(deliveries.received() / window, 1), Math.round(deliveries.receivedBytes() * 8 / window));
        Audio audio = null;
        if (spec.audio()) {
            double expectedFrames = target.mixesAudio() ? 50 : 50.0 * (spec.participants() - 1);
            audio = new Audio(audioSent, LoadReport.round(audioSent / window, 1), Math.round(audioSentBytes * 8 / window),
                    LoadReport.round(audioReceived / window, 1), Math.round(audioReceivedBytes * 8 / window),
                    LoadReport.round(median(audioFrameRates), 1), expectedFrames,
                    target.mixesAudio() ? "mixed by the relay: one frame per receiver per 20 ms"
                            : "fanned out unmixed: every other talker's frames, 50/s each");
        }
        long wall = after.wallNanos() - before.wallNanos();
        List<NodeReport> nodes = nodeReports(target, participants, before, after, heap, window);
        int cores = Runtime.getRuntime().availableProcessors();
        ServerUsage usage = ServerUsage.of(nodes, cores, target.started() ? null : "not a child of this run",
                (deliveries.received() + audioReceived) / window);
        LatencyHistogram lateness = sender.lateness();
        Double generatorCpu = Sample.share(before.selfCpu(), after.selfCpu(), wall);
        Generator generator = new Generator(generatorCpu,
                sender.measuredCpuNanos() < 0 ? null
                        : LoadReport.round((double) sender.measuredCpuNanos() / spec.duration().toNanos(), 3),
                Sample.share(before.receiverCpu(), after.receiverCpu(), wall),
                lateness.percentileMicros(0.99), lateness.maxMicros(), sendBufferFull, sendErrors,
                receiver.ignored(), caughtUp, controlLost, receiver.describe(),
                saturation(generatorCpu, usage.cpuCores(), cores, lateness, sender.finishedAt() - measureEnd, caughtUp));
        boolean relayCounts = nodes.stream().anyMatch(n -> n.forwardedDatagramsPerSecondByLayer() != null);
        SideReport side = new SideReport(target.label(), target.control().toString(), participants.size(), window,
                video, new Delivery(ratios.get(0), median(ratios), receivers), Latency.of(receiver.latency()),
                audio, usage, generator, drops, target.nodes().size() > 1 || relayCounts ? nodes : null,
                deliveries.summary(),
                spec.simulcast().isEmpty() ? null : layerReports(spec, participants, window), joining);
        Long p99 = side.latency().p99Micros();
        log.info("{}: {} participants, {} datagrams/s out, loss {}%, p99 {}", target.label(), participants.size(),
                video.packetsOutPerSecond(), LoadReport.round(loss * 100, 3), p99 == null ? "n/a" : p99 + " µs");
        return side;
    }

    /**
     * Why the generator may have been the limit of this run, from what it can measure of itself: the
     * machine's cores nearly all in use by it and the server, its sender's schedule slipping, or its
     * receivers (or the server) still behind after the drain. Empty when none of these held.
     */
    static List<String> saturation(Double generatorCores, Double serverCores, int cores, LatencyHistogram lateness,
                                   long senderOverrunNanos, boolean caughtUp) {
        List<String> why = new ArrayList<>();
        if (generatorCores != null && serverCores != null && generatorCores + serverCores >= SATURATED_SHARE * cores) {
            why.add(String.format(java.util.Locale.ROOT, "generator %.2f + server %.2f cores = %.0f%% of the machine's %d",
                    generatorCores, serverCores, 100 * (generatorCores + serverCores) / cores, cores));
        }
        Long p99 = lateness.percentileMicros(0.99);
        if (p99 != null && p99 > LATE_SENDS.toNanos() / 1000) {
            why.add(String.format(java.util.Locale.ROOT, "the sender's sends started %.1f ms late at p99 (its schedule slipped)",
                    p99 / 1000.0));
        }
        if (senderOverrunNanos > SENDER_OVERRUN.toNanos()) {
            why.add(String.format(java.util.Locale.ROOT, "the sender ended %.0f ms after the window (it fell behind)",
                    senderOverrunNanos / 1e6));
        }
        if (!caughtUp) {
            why.add("measured datagrams still arrived at the end of the drain (the receivers or the server were behind)");
        }
        return why;
    }

    /** Each simulcast layer, summed over the video senders. */
    private static List<LoadReport.LayerReport> layerReports(LoadSpec spec, List<LoadParticipant> participants,
                                                             double window) {
        List<LoadReport.LayerReport> out = new ArrayList<>();
        List<LoadSpec.VideoLayer> layers = spec.videoLayers();
        for (int l = 0; l < layers.size(); l++) {
            long datagrams = 0;
            long bytes = 0;
            long frames = 0;
            long pausedInWindow = 0;
            long paused = 0;
            long requests = 0;
            long forced = 0;
            for (LoadParticipant p : participants) {
                if (p.sendsVideo()) {
                    VideoLayerStream s = p.layers[l];
                    datagrams += s.datagramsSentMeasured;
                    bytes += s.bytesSentMeasured;
                    frames += s.framesSentMeasured;
                    pausedInWindow += s.framesPausedMeasured;
                    paused += s.framesPaused;
                    requests += s.keyframeRequests();
                    forced += s.keyframesForced;
                }
            }
            out.add(new LoadReport.LayerReport(l, layers.get(l).height(), layers.get(l).fps(),
                    LoadReport.round(datagrams / window, 1), Math.round(bytes * 8 / window), frames, pausedInWindow,
                    paused, requests, forced));
        }
        return out;
    }

    /** Each node's figures: the media its participants sent it and got from it, its CPU and heap. */
    private static List<NodeReport> nodeReports(Target target, List<LoadParticipant> participants, Sample before,
                                                Sample after, List<ServerProcess.HeapReading> heap, double window) {
        long wall = after.wallNanos() - before.wallNanos();
        List<NodeReport> nodes = new ArrayList<>();
        for (int i = 0; i < target.nodes().size(); i++) {
            int members = 0;
            long in = 0;
            long inBytes = 0;
            long out = 0;
            long outBytes = 0;
            for (LoadParticipant p : participants) {
                if (p.node == i) {
                    members++;
                    in += p.videoSentMeasured;
                    inBytes += p.videoBytesSentMeasured;
                    out += p.videoReceived;
                    outBytes += p.videoBytesReceived;
                }
            }
            Node node = target.nodes().get(i);
            ServerProcess.HeapReading h = heap.get(i);
            nodes.add(new NodeReport(i, node.control().toString(), node.process() == null ? null : node.process().pid(),
                    members, LoadReport.round(in / window, 1), Math.round(inBytes * 8 / window),
                    LoadReport.round(out / window, 1), Math.round(outBytes * 8 / window),
                    Sample.share(before.serverCpu().get(i), after.serverCpu().get(i), wall),
                    h == null ? null : h.bytes(), h == null ? "not a child of this run" : h.problem(),
                    RelayMetrics.ratePerSecond(before.forwarded().get(i), after.forwarded().get(i), wall / 1e9),
                    RelayMetrics.growth(before.udpSends().get(i), after.udpSends().get(i))));
        }
        return nodes;
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
