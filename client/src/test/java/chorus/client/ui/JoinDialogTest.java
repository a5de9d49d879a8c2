package chorus.client.ui;

import static chorus.client.ui.Gui.await;
import static chorus.client.ui.Gui.onEdt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.session.RelayAddress;
import java.awt.Window;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.swing.JDialog;
import javax.swing.JTextField;
import javax.swing.SwingUtilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The join dialog shown when {@code chorus client} is started without arguments. */
class JoinDialogTest {
    private final AppPreferences prefs = Gui.freshPreferences();

    @BeforeAll
    static void display() {
        Gui.requireDisplay();
    }

    @AfterEach
    void forget() {
        Gui.forget(prefs);
    }

    private CompletableFuture<LaunchOptions> open(LaunchOptions given) throws Exception {
        CompletableFuture<LaunchOptions> answer = new CompletableFuture<>();
        SwingUtilities.invokeLater(() -> answer.complete(JoinDialog.ask(given, prefs)));
        await("the join dialog is on the screen", Gui.edt(() -> dialog() != null));
        return answer;
    }

    private static JDialog dialog() {
        for (Window w : Window.getWindows()) {
            if (w instanceof JDialog d && "joinDialog".equals(d.getName()) && d.isShowing()) {
                return d;
            }
        }
        return null;
    }

    private static void type(String field, String text) throws Exception {
        onEdt(() -> {
            Gui.find(dialog(), field, JTextField.class).setText(text);
            return null;
        });
    }

    private static String field(String field) throws Exception {
        return onEdt(() -> Gui.find(dialog(), field, JTextField.class).getText());
    }

    @Test
    void remembersTheLastValuesForNextTime() throws Exception {
        CompletableFuture<LaunchOptions> first = open(LaunchOptions.of(null, null, null));
        assertEquals(JoinDialog.DEFAULT_SERVER, field("join.server"));
        assertEquals(JoinDialog.DEFAULT_ROOM, field("join.room"));
        type("join.name", "Grace Hopper");
        type("join.server", "relay.example:6000");
        type("join.room", "standup");
        Gui.click(dialog(), "join.ok");
        LaunchOptions joined = first.get(5, TimeUnit.SECONDS);
        assertEquals(new RelayAddress("relay.example", 6000), joined.relay());
        assertEquals("Grace Hopper", joined.name());
        assertEquals("standup", joined.room());

        CompletableFuture<LaunchOptions> second = open(LaunchOptions.of(null, null, null));
        assertEquals("Grace Hopper", field("join.name"));
        assertEquals("relay.example:6000", field("join.server"));
        assertEquals("standup", field("join.room"));
        Gui.click(dialog(), "join.cancel");
        assertEquals(null, second.get(5, TimeUnit.SECONDS), "cancelled");
    }

    @Test
    void aBadServerOrNameIsExplainedBeforeConnecting() throws Exception {
        CompletableFuture<LaunchOptions> answer = open(LaunchOptions.of(null, "Ada", "standup"));
        type("join.server", "no-port-here");
        Gui.click(dialog(), "join.ok");
        String error = Gui.text(dialog(), "join.error");
        assertTrue(error.contains("HOST:PORT"), error);
        type("join.server", "127.0.0.1:5005");
        type("join.name", "   ");
        Gui.click(dialog(), "join.ok");
        assertTrue(Gui.text(dialog(), "join.error").contains("Name must not be empty"), Gui.text(dialog(), "join.error"));
        type("join.name", "Ada");
        Gui.click(dialog(), "join.ok");
        LaunchOptions joined = answer.get(5, TimeUnit.SECONDS);
        assertNotNull(joined);
        assertEquals("Ada", joined.name());
    }

    @Test
    void aPastedJoinLinkGivesServerRoomTokenAndTheTokensName() throws Exception {
        String payload = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"ada\",\"room\":\"stand up\",\"name\":\"Ada Lovelace\"}".getBytes());
        String token = "eyJhbGciOiJIUzI1NiJ9." + payload + ".c2ln";
        CompletableFuture<LaunchOptions> answer = open(LaunchOptions.of(null, null, null));
        type("join.name", "Mallory");
        type("join.token", "chorus://relay.example:5005/stand%20up?token=" + token);
        Gui.click(dialog(), "join.ok");
        LaunchOptions joined = answer.get(5, TimeUnit.SECONDS);
        assertEquals(new RelayAddress("relay.example", 5005), joined.relay());
        assertEquals("stand up", joined.room());
        assertEquals(token, joined.token());
        assertEquals("Ada Lovelace", joined.name(), "the token names the participant");
    }

    @Test
    void aBrokenLinkIsSaidWhyAndNothingIsJoined() throws Exception {
        CompletableFuture<LaunchOptions> answer = open(LaunchOptions.of(null, "Ada", "standup"));
        type("join.token", "chorus://relay.example:5005/room");
        Gui.click(dialog(), "join.ok");
        await("the dialog says the link has no token",
                Gui.edt(() -> Gui.find(dialog(), "join.error", javax.swing.JLabel.class).getText().contains("no token")));
        Gui.click(dialog(), "join.cancel");
        assertEquals(null, answer.get(5, TimeUnit.SECONDS));
    }
}
