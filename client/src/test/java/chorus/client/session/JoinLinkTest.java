package chorus.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JoinLinkTest {
    @Test
    void aLinkGivesServerRoomTokenAndFingerprint() {
        JoinLink link = JoinLink.parse("chorus://relay.example.org:5005/stand%20up?token=aaa.bbb.ccc"
                + "&fingerprint=sha256:0a1b");
        assertEquals(new RelayAddress("relay.example.org", 5005), link.relay());
        assertEquals("stand up", link.room());
        assertEquals("aaa.bbb.ccc", link.token());
        assertEquals("sha256:0a1b", link.fingerprint());
        assertNull(JoinLink.parse("chorus://127.0.0.1:5005/r?token=t.t.t").fingerprint(), "the fingerprint is optional");
    }

    @Test
    void whatIsNotALinkIsSaidWhy() {
        assertFalse(JoinLink.isLink("aaa.bbb.ccc"));
        assertTrue(JoinLink.isLink(" chorus://h:1/r?token=x"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JoinLink.parse("chorus://h:1/r"))
                .getMessage().contains("no token"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JoinLink.parse("chorus://h:1/?token=x"))
                .getMessage().contains("no room"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JoinLink.parse("chorus://h/r?token=x"))
                .getMessage().contains("HOST:PORT"));
    }

    @Test
    void aTokensRoomAndNameAreReadWithoutTheKey() {
        String payload = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"ada\",\"room\":\"standup\",\"name\":\"Ada\"}".getBytes());
        TokenPeek peek = TokenPeek.of("eyJhbGciOiJIUzI1NiJ9." + payload + ".sig");
        assertEquals("standup", peek.room());
        assertEquals("Ada", peek.name());
        assertThrows(IllegalArgumentException.class, () -> TokenPeek.of("not a token"));
    }
}
