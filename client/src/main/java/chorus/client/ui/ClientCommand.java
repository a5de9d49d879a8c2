package chorus.client.ui;

import chorus.client.session.RelayAddress;
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
                "Without --server, --room and --name it first asks for them, offering the last values used."})
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

    @Mixin
    RelayTrustOptions trust = new RelayTrustOptions();

    @Option(names = "--test-source",
            description = "Send the moving test pattern and a test tone instead of the camera and microphone.")
    boolean testSource;

    @Override
    public Integer call() throws InterruptedException {
        check("--name", "Name", name);
        check("--room", "Room", room);
        if (!Displays.available()) {
            System.err.println("chorus client: no display (DISPLAY is not set or cannot be reached); "
                    + "`chorus bot` is the headless participant");
            return 1;
        }
        LaunchOptions options;
        try {
            options = new LaunchOptions(server, name, room, testSource, testSource, null,
                    trust.trust(RelayFingerprintDialog::ask));
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
