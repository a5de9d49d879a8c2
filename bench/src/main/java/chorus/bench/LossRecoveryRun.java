package chorus.bench;

import chorus.client.impairment.ImpairedEndpoints;
import chorus.client.impairment.Impairment;
import chorus.client.media.TestPattern;
import chorus.client.media.ToneSource;
import chorus.client.session.ChorusClient;
import chorus.client.session.ClientOptions;
import chorus.client.session.ClientSnapshot;
import chorus.client.session.MediaSession;
import chorus.client.session.RelayAddress;
import chorus.client.session.RoomState;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Video and audio through loss on every path, with loss recovery and without: a real relay on
 * loopback and three real clients (H.264 test pattern at 30 fps from one, an Opus tone from each),
 * every client's media both ways through a seeded impairment proxy. Reports the share of the
 * sender's frames each receiver decoded to the right picture (the frame counter read back) and how
 * each receiver's 20 ms playout ticks went (played, concealed, silent). Figures in
 * docs/BENCHMARKS.md ("Loss recovery"). Run: {@code java -cp "bench/target/bench-VERSION.jar:bench/target/lib/*"
 * chorus.bench.LossRecoveryRun [seconds] [loss-percent]}.
 */
public final class LossRecoveryRun {
    private static final int FPS = 30;
    private static final double[] TONES = {440, 660, 880};
    private static final String[] NAMES = {"Ada", "Bob", "Cy"};

    private LossRecoveryRun() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        double loss = args.length > 1 ? Double.parseDouble(args[1]) / 100 : 0.05;
        RelayNode relay = RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay { access.mode = open, tls.enabled = false, access.token-key-file = \"target/bench-token.key\" }"));
        try {
            for (boolean recovery : new boolean[] {true, false}) {
                run(relay, seconds, loss, recovery);
            }
        } finally {
            relay.close();
        }
        System.exit(0);
    }

    private static void run(RelayNode relay, int seconds, double loss, boolean recovery) throws Exception {
        RelayAddress address = new RelayAddress("127.0.0.1", relay.controlPort());
        String room = "loss-" + recovery + "-" + System.nanoTime();
        List<ImpairedEndpoints> proxies = ImpairedEndpoints.list();
        List<ChorusClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < NAMES.length; i++) {
                Impairment path = Impairment.loss(loss, 1000L * i + 7);
                UnaryOperator<MediaSession.Config> through = ImpairedEndpoints.through(path, path.withSeed(path.seed() + 500),
                        proxies);
                clients.add(ChorusClient.connect(ClientOptions.of(address, NAMES[i], room), null, new RoomState(),
                        direct -> through.apply(new MediaSession.Config(direct.videoEndpoint(), direct.audioEndpoint(),
                                direct.mediaId(), direct.key(), direct.decodeVideo(), direct.videoEncoding(), recovery,
                                direct.audioCodec()))));
            }
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!clients.stream().allMatch(c -> c.media().ready())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("media did not become ready");
                }
                Thread.sleep(20);
            }
            Thread.sleep(1000); // everyone in the roster, keyframes for the newcomers asked for
            ChorusClient sender = clients.get(0);
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).startAudio(new ToneSource(TONES[i]));
            }
            ClientSnapshot[] before = snapshots(clients);
            sender.startVideo(new TestPattern(NAMES[0], FPS), FPS);
            Thread.sleep(seconds * 1000L);
            sender.stopVideo();
            Thread.sleep(1500); // the last frames and their recovery arrive
            ClientSnapshot[] after = snapshots(clients);
            long sent = after[0].videoFramesSent() - before[0].videoFramesSent();
            System.out.printf(Locale.ROOT, "%s, %.1f%% loss on every path (both ways), %d s, %d H.264 frames sent at %d fps%n",
                    recovery ? "WITH loss recovery" : "WITHOUT loss recovery", loss * 100, seconds, sent, FPS);
            for (int i = 1; i < clients.size(); i++) {
                long read = after[i].videoFramesReadBackFrom().getOrDefault(NAMES[0], 0L)
                        - before[i].videoFramesReadBackFrom().getOrDefault(NAMES[0], 0L);
                long played = after[i].audioFramesPlayed() - before[i].audioFramesPlayed();
                long concealed = after[i].audioFramesConcealed() - before[i].audioFramesConcealed();
                long silent = after[i].audioTicksSilent() - before[i].audioTicksSilent();
                long ticks = played + concealed + silent;
                System.out.printf(Locale.ROOT, "  %s: video %d/%d frames decoded to the right picture (%.2f%%); "
                                + "audio ticks %d: played %.2f%%, concealed %.2f%%, silent %.2f%%; NACKs sent %d%n",
                        NAMES[i], read, sent, 100.0 * read / Math.max(1, sent), ticks, 100.0 * played / Math.max(1, ticks),
                        100.0 * concealed / Math.max(1, ticks), 100.0 * silent / Math.max(1, ticks),
                        after[i].videoRecovery() == null ? 0 : after[i].videoRecovery().nacksSent());
            }
            long lost = proxies.stream().mapToLong(p -> p.video().lostToClients() + p.video().lostToRelay()).sum();
            long passed = proxies.stream().mapToLong(p -> p.video().passedToClients() + p.video().passedToRelay()).sum();
            System.out.printf(Locale.ROOT, "  video datagrams dropped by the proxies: %d of %d (%.2f%%)%n", lost,
                    lost + passed, 100.0 * lost / Math.max(1, lost + passed));
        } finally {
            clients.forEach(ChorusClient::leave);
            proxies.forEach(ImpairedEndpoints::close);
        }
    }

    private static ClientSnapshot[] snapshots(List<ChorusClient> clients) {
        ClientSnapshot[] out = new ClientSnapshot[clients.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = clients.get(i).snapshot();
        }
        return out;
    }
}
