package chorus.client.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.call.CallState;
import chorus.client.session.RelayAddress;
import chorus.client.tls.KnownRelays;
import chorus.client.tls.RelayTrust;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.awt.Container;
import java.awt.Window;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.swing.JTextArea;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The desktop app meeting a self-signed relay for the first time: it shows the certificate's
 * fingerprint and asks; trusted, it joins and pins it; cancelled, it does not join and pins nothing.
 */
class RelayFingerprintDialogTest {
    @TempDir
    static Path dir;
    private static RelayNode relay;
    private final AppPreferences prefs = Gui.freshPreferences();
    private DesktopApp app;

    @BeforeAll
    static void start() throws Exception {
        Gui.requireDisplay();
        relay = RelayNode.startOnLoopback(ConfigFactory.parseMap(Map.of("chorus.relay.tls.enabled", true,
                "chorus.relay.tls.directory", dir.resolve("tls").toString(),
                "chorus.relay.files.directory", dir.resolve("files").toString())));
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    @AfterEach
    void close() throws Exception {
        if (app != null) {
            app.leave();
            app.closed().get(15, TimeUnit.SECONDS);
        }
        Gui.forget(prefs);
    }

    private Window launchAndAwaitDialog(KnownRelays known) throws Exception {
        RelayTrust trust = RelayTrust.defaults().withKnownRelays(known).withFirstContact(RelayFingerprintDialog::ask);
        app = DesktopApp.launch(LaunchOptions.of(new RelayAddress("127.0.0.1", relay.controlPort()), "Ada",
                "first-contact-" + System.nanoTime()).withTestSource(true, true).withTrust(trust), prefs);
        Gui.await("the fingerprint dialog shows", () -> Gui.window(RelayFingerprintDialog.NAME) != null);
        Window dialog = Gui.window(RelayFingerprintDialog.NAME);
        String shown = Gui.onEdt(() -> Gui.find((Container) dialog, "relayFingerprint", JTextArea.class).getText());
        assertEquals(relay.tls().fingerprint(), shown.replace("\n", ""), "the fingerprint to compare");
        return dialog;
    }

    @Test
    void trustedOnFirstContactItJoinsAndPinsTheCertificate() throws Exception {
        KnownRelays known = new KnownRelays(dir.resolve("trusted-known-relays"));
        Window dialog = launchAndAwaitDialog(known);
        Gui.click((Container) dialog, "trustRelay");
        Gui.await("joined", () -> app.call() != null && app.call().state() == CallState.JOINED);
        assertTrue(Files.readString(known.file()).contains("127.0.0.1:" + relay.controlPort() + " "
                + relay.tls().fingerprint()), Files.readString(known.file()));
    }

    @Test
    void cancelledItDoesNotJoinAndPinsNothing() throws Exception {
        KnownRelays known = new KnownRelays(dir.resolve("cancelled-known-relays"));
        Window dialog = launchAndAwaitDialog(known);
        Gui.click((Container) dialog, "cancelRelay");
        Gui.await("the call ends", () -> app.call() != null && app.call().state() == CallState.LEFT);
        assertFalse(Files.exists(known.file()), "nothing pinned");
    }
}
