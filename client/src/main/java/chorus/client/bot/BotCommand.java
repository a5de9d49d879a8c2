package chorus.client.bot;

import chorus.client.codec.VideoEncoding;
import chorus.client.session.JoinLink;
import chorus.client.session.JoinRefusedException;
import chorus.client.session.RelayAddress;
import chorus.client.session.Refusals;
import chorus.client.session.TokenPeek;
import chorus.client.tls.RelayTrust;
import chorus.client.tls.RelayTrustOptions;
import chorus.protocol.media.Codec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code chorus bot}: a headless participant for demos, tests and load. */
@Command(name = "bot",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "Join a room as a headless participant: send a moving test pattern and a sine tone, "
                        + "count the video received from everyone else, optionally record the mix heard; "
                        + "optionally chat, present a synthetic screen, offer files and download every file "
                        + "offered in the room.",
                "Runs for --duration, or until SIGINT/SIGTERM; then leaves (letting file transfers in "
                        + "progress finish, for up to a minute), prints a one-line summary and exits 0 (1 when "
                        + "the relay cannot be reached, refuses the join or drops the bot, or refuses or breaks "
                        + "off something it asked for: a chat message, the screen share, a file transfer)."})
public final class BotCommand implements Callable<Integer> {
    /** How long a signal waits for the bot to leave and write its stats before the JVM goes anyway. */
    private static final long SHUTDOWN_WAIT_SECONDS = 5;

    @Spec
    CommandSpec spec;

    @Mixin
    RelayTrustOptions trust = new RelayTrustOptions();

    @Option(names = "--trust-on-first-use",
            description = "Trust and pin a relay's self-signed certificate the first time it is seen (as ssh does); "
                    + "without it the bot refuses an unknown certificate and prints its fingerprint. A pinned "
                    + "certificate that changes is refused either way.")
    boolean trustOnFirstUse;

    @Option(names = "--server", paramLabel = "HOST:PORT", converter = RelayAddressConverter.class,
            description = "Relay control address, e.g. 127.0.0.1:5005 (required unless --token is a join link).")
    RelayAddress server;

    @Option(names = "--room", paramLabel = "ROOM", description = "Room to join (with --token: the token's room).")
    String room;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Participant name (with --token the relay uses the token's name).")
    String name;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Access token (from chorus token) or join link (chorus://HOST:PORT/ROOM?token=...), "
                    + "needed unless the relay runs in the open mode; a link also gives --server and --room.")
    String token;

    @Option(names = "--video", defaultValue = "testsrc", paramLabel = "testsrc|none",
            description = "Video to send: testsrc (moving test pattern) or none. Default: ${DEFAULT-VALUE}.")
    String video;

    @Option(names = "--video-codec", defaultValue = "h264", paramLabel = "h264|jpeg",
            description = "Codec the test pattern is sent with: h264 (OpenH264, about "
                    + VideoEncoding.DEFAULT_BITRATE / 1000 + " kbit/s) or jpeg (every frame a JPEG). "
                    + "Default: ${DEFAULT-VALUE}.")
    String videoCodec;

    @Option(names = "--video-bitrate", paramLabel = "KBITS",
            description = "H.264 target bitrate in kbit/s. Default: " + VideoEncoding.DEFAULT_BITRATE / 1000 + ".")
    Integer videoKbps;

    @Option(names = "--layers", paramLabel = "N",
            description = "Simulcast layers the test pattern is sent in, 1 to 3, each its own stream at its own "
                    + "size, bitrate and rate (180 lines at 150 kbit/s and 15 fps, 360 at 500 kbit/s and 30, 720 at "
                    + "1.5 Mbit/s and 30; the pattern's 480 lines send 180, 360 and 480). The relay forwards each "
                    + "receiver one layer and tells the bot which are watched; the others pause. "
                    + "Default: 3 with H.264, 1 with JPEG.")
    Integer layers;

    @Option(names = "--layer-heights", paramLabel = "H,H,H", split = ",",
            description = "The simulcast ladder's heights, ascending (e.g. 120,240,480 sends the pattern in three "
                    + "layers). Default: 180,360,720.")
    List<Integer> layerHeights;

    @Option(names = "--subscribe", paramLabel = "N",
            description = "Show N tiles: subscribe to the first N other participants in roster order at "
                    + "--subscribe-layer, again when the roster changes (0: receive no video). Default: the "
                    + "relay's default, everyone at the largest layer.")
    Integer subscribe;

    @Option(names = "--subscribe-layer", paramLabel = "L", defaultValue = "0",
            description = "The layer asked for each tile (0 smallest; at most each sender's largest). "
                    + "Default: ${DEFAULT-VALUE}.")
    int subscribeLayer;

    @Option(names = "--fps", defaultValue = "" + BotOptions.DEFAULT_FPS, paramLabel = "N",
            description = "Video frames per second. Default: ${DEFAULT-VALUE}.")
    int fps;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    AudioChoice audio;

    @Option(names = "--audio-codec", defaultValue = Codec.OPUS_NAME, paramLabel = "opus|pcm",
            description = "Codec the tone is sent in, and of the mix asked for (pcm: PCM only, as a client that "
                    + "decodes nothing else). Default: ${DEFAULT-VALUE}.")
    String audioCodec;

    static final class AudioChoice {
        @Option(names = "--tone", paramLabel = "HZ",
                description = "Send a sine tone of HZ at a quarter of full scale. Default: 440 Hz.")
        Double toneHz;

        @Option(names = "--silent", description = "Send no audio (the mix is still heard and recorded).")
        boolean silent;
    }

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Leave after this many seconds (decimals allowed). Default: run until interrupted.")
    Double durationSeconds;

    @Option(names = "--record-audio", paramLabel = "FILE.wav",
            description = "Write the mix heard (after the jitter buffer; silence while nothing plays) "
                    + "as 48 kHz mono 16-bit WAV.")
    Path recordAudio;

    @Option(names = "--stats", paramLabel = "FILE.json", description = "Write the bot's final stats as JSON.")
    Path statsFile;

    @Option(names = "--say", paramLabel = "TEXT",
            description = "Send TEXT to the room's chat once joined (repeatable; sent in order). "
                    + "The stats list every message seen under \"chat\".")
    List<String> say = List.of();

    @Option(names = "--share-screen",
            description = "Present a synthetic 1280x720 screen at " + BotOptions.SCREEN_FPS + " fps. When someone "
                    + "else presents, the relay's refusal (\"NAME is presenting\") is printed and recorded.")
    boolean shareScreen;

    @Option(names = "--upload", paramLabel = "FILE",
            description = "Offer FILE to the room once joined (repeatable; one at a time, in order).")
    List<Path> uploads = List.of();

    @Option(names = "--download-all", paramLabel = "DIR",
            description = "Download every file offered in the room, those offered before the bot joined "
                    + "included, into DIR (created if missing), each checked against its SHA-256.")
    Path downloadAll;

    @Option(names = "--reconnect",
            description = "When the connection is lost, come back (through the other nodes of a clustered relay "
                    + "first, as the same participant) instead of ending. A draining relay node's move is followed "
                    + "either way.")
    boolean reconnect;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BotOptions options = options();
        for (Path file : uploads) {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                err.println("chorus bot: cannot upload " + file + " (no such readable file)");
                err.flush();
                return 1;
            }
        }
        if (downloadAll != null) {
            try {
                Files.createDirectories(downloadAll);
            } catch (IOException e) {
                err.println("chorus bot: cannot download into " + downloadAll + " (" + e.getMessage() + ")");
                err.flush();
                return 1;
            }
        }
        if (statsFile != null) {
            Path dir = statsFile.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                // Found out now rather than after a long run.
                err.println("chorus bot: cannot write stats to " + statsFile + " (no such directory)");
                err.flush();
                return 1;
            }
        }

        Bot bot;
        try {
            bot = Bot.start(options);
        } catch (JoinRefusedException e) {
            String said = Refusals.explain(e.code(), e.relayMessage());
            err.println("chorus bot: " + (said.equals(e.relayMessage()) ? e.getMessage() : said + " (" + e.code() + ")"));
            err.flush();
            return 1;
        } catch (IOException e) {
            err.println("chorus bot: " + e.getMessage());
            err.flush();
            return 1;
        }

        // On SIGINT/SIGTERM: let the main thread leave and report, then end with its exit code
        // (halt, because the JVM would otherwise report the signal as the exit status).
        CountDownLatch reported = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger(1);
        Thread shutdown = new Thread(() -> {
            bot.requestStop();
            try {
                if (reported.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    Runtime.getRuntime().halt(exitCode.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "chorus-bot-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            bot.awaitEnd();
            int code = report(bot.stop(), out, err);
            exitCode.set(code);
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            bot.stop();
            return 1;
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdown);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it ends the JVM with our exit code
            }
        }
    }

    private int report(BotStats stats, PrintWriter out, PrintWriter err) {
        int code = 0;
        if (statsFile != null) {
            try {
                Files.writeString(statsFile, stats.toJson() + System.lineSeparator());
            } catch (IOException e) {
                err.println("chorus bot: cannot write stats to " + statsFile + " (" + e.getMessage() + ")");
                code = 1;
            }
        }
        out.println(stats.summary());
        out.flush();
        if (stats.ended() == BotStats.Ending.CONNECTION_LOST) {
            err.println("chorus bot: connection lost (" + stats.endReason() + ")");
            code = 1;
        }
        // What was asked for and refused or broken off: one line each.
        for (BotStats.RelayError e : stats.relayErrors()) {
            String said = Refusals.explain(e.code(), e.message());
            err.println("chorus bot: " + (said.equals(e.message()) ? "the relay refused: " + said : said)
                    + " (" + e.code() + ")");
            code = 1;
        }
        for (BotStats.FileResult f : stats.uploads()) {
            if (!f.ok()) {
                err.println("chorus bot: upload of " + f.name() + " failed: " + f.error() + " (" + f.errorCode() + ")");
                code = 1;
            }
        }
        for (BotStats.FileResult f : stats.downloads()) {
            if (!f.ok()) {
                err.println("chorus bot: download of " + f.name() + " failed: " + f.error() + " (" + f.errorCode() + ")");
                code = 1;
            }
        }
        err.flush();
        return code;
    }

    private BotOptions options() {
        CommandLine cl = spec.commandLine();
        boolean sendVideo = switch (video) {
            case "testsrc" -> true;
            case "none" -> false;
            default -> throw new ParameterException(cl, "--video must be testsrc or none, not '" + video + "'");
        };
        int codec = Codec.forName(audioCodec);
        if (codec != Codec.OPUS && codec != Codec.PCM16) {
            throw new ParameterException(cl, "--audio-codec must be opus or pcm, not '" + audioCodec + "'");
        }
        VideoEncoding encoding;
        try {
            encoding = VideoEncoding.forName(videoCodec);
            if (videoKbps != null) {
                encoding = encoding.withBitrate(videoKbps * 1000);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, "--video-codec/--video-bitrate: " + e.getMessage());
        }
        double toneHz = audio == null || audio.toneHz == null ? BotOptions.DEFAULT_TONE_HZ : audio.toneHz;
        if (audio != null && audio.silent) {
            toneHz = 0;
        }
        Duration duration = null;
        if (durationSeconds != null) {
            if (!(durationSeconds > 0) || durationSeconds > 365 * 86_400) {
                throw new ParameterException(cl, "--duration must be a positive number of seconds");
            }
            duration = Duration.ofNanos(Math.round(durationSeconds * 1e9));
        }
        RelayAddress relay = server;
        String joinRoom = room;
        String joinName = name;
        String jwt = token;
        try {
            if (JoinLink.isLink(token)) {
                JoinLink link = JoinLink.parse(token);
                relay = relay != null ? relay : link.relay();
                joinRoom = joinRoom != null ? joinRoom : link.room();
                jwt = link.token();
                if (link.fingerprint() != null) {
                    trust.linkFingerprint(link.fingerprint());
                }
            }
            if (jwt != null) {
                TokenPeek peek = TokenPeek.of(jwt);
                joinRoom = joinRoom != null ? joinRoom : peek.room();
                joinName = peek.name(); // what the relay will call the bot
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, "--token: " + e.getMessage());
        }
        if (relay == null || joinRoom == null || joinName == null) {
            throw new ParameterException(cl, "--server, --room and --name are required (or --token: a join link gives "
                    + "all three, a token the room and the name)");
        }
        try {
            return new BotOptions(relay, joinName, joinRoom, sendVideo, fps, toneHz, duration, recordAudio, say,
                    shareScreen, uploads, downloadAll, reconnect, trust.trust(trustOnFirstUse
                    ? RelayTrust.FirstContact.ACCEPT : RelayTrust.FirstContact.REFUSE), jwt, encoding, codec,
                    layers == null ? BotOptions.DEFAULT_LAYERS : layers, layerHeights, subscribe == null
                    ? BotOptions.NO_SUBSCRIPTION : subscribe, subscribeLayer);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage());
        }
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
