package chorus.client.ui;

import chorus.client.codec.VideoEncoding;
import chorus.client.session.JoinLink;
import chorus.client.session.RelayAddress;
import chorus.client.session.TokenPeek;
import chorus.client.tls.RelayTrustOptions;
import chorus.protocol.control.Names;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code chorus client}: the desktop app. */
@Command(name = "client",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "Open the Chorus desktop app and join a call with your camera, microphone and speakers.",
                "Without --server, --room and --name it first asks for them, offering the last values used.",
                "A relay that needs tokens is joined with --token TOKEN (from chorus token), or with a join link "
                        + "--join chorus://HOST:PORT/ROOM?token=..., which gives the server and room too."})
public final class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--server", paramLabel = "HOST:PORT", converter = RelayAddressConverter.class,
            description = "Relay control address, e.g. 127.0.0.1:5005.")
    RelayAddress server;

    @Option(names = "--room", paramLabel = "ROOM", description = "Room to join.")
    String room;

    @Option(names = "--name", paramLabel = "NAME", description = "Your name in the call.")
    String name;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Access token (from chorus token); the relay names you by it.")
    String token;

    @Option(names = "--join", paramLabel = "LINK",
            description = "Join link chorus://HOST:PORT/ROOM?token=JWT[&fingerprint=sha256:HEX]: server, room and token.")
    String join;

    @Mixin
    RelayTrustOptions trust = new RelayTrustOptions();

    @Option(names = "--video-codec", defaultValue = "h264", paramLabel = "h264|jpeg",
            description = "Codec your camera is sent with: h264 (about " + VideoEncoding.DEFAULT_BITRATE / 1000
                    + " kbit/s) or jpeg. Default: ${DEFAULT-VALUE}.")
    String videoCodec;

    @Option(names = "--video-bitrate", paramLabel = "KBITS",
            description = "H.264 target bitrate in kbit/s. Default: " + VideoEncoding.DEFAULT_BITRATE / 1000 + ".")
    Integer videoKbps;

    @Option(names = "--test-source",
            description = "Send the moving test pattern and a test tone instead of the camera and microphone.")
    boolean testSource;

    @Override
    public Integer call() throws InterruptedException {
        check("--name", "Name", name);
        check("--room", "Room", room);
        String jwt = token;
        if (join != null) {
            try {
                JoinLink link = JoinLink.parse(join);
                server = server != null ? server : link.relay();
                room = room != null ? room : link.room();
                jwt = link.token();
                if (link.fingerprint() != null) {
                    trust.linkFingerprint(link.fingerprint());
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--join: " + e.getMessage());
            }
        }
        if (jwt != null) {
            try {
                TokenPeek peek = TokenPeek.of(jwt);
                room = room != null ? room : peek.room();
                name = peek.name();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--token: " + e.getMessage());
            }
        }
        if (!Displays.available()) {
            System.err.println("chorus client: no display (DISPLAY is not set or cannot be reached); "
                    + "`chorus bot` is the headless participant");
            return 1;
        }
        LaunchOptions options;
        try {
            VideoEncoding encoding = VideoEncoding.forName(videoCodec);
            if (videoKbps != null) {
                encoding = encoding.withBitrate(videoKbps * 1000);
            }
            options = new LaunchOptions(server, name, room, testSource, testSource, null,
                    trust.trust(RelayFingerprintDialog::ask), jwt, encoding);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        DesktopApp app = DesktopApp.launch(options, AppPreferences.user());
        try {
            app.closed().get();
            return 0;
        } catch (ExecutionException e) {
            System.err.println("chorus client: " + e.getCause().getMessage());
            return 1;
        }
    }

    private void check(String option, String what, String value) {
        if (value != null) {
            String problem = Names.problem(what, value);
            if (problem != null) {
                throw new ParameterException(spec.commandLine(), option + ": " + problem);
            }
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
