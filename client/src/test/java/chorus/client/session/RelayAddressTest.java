package chorus.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RelayAddressTest {

    @Test
    void parsesHostPortAndBracketedIpv6() {
        assertEquals(new RelayAddress("127.0.0.1", 5005), RelayAddress.parse("127.0.0.1:5005"));
        assertEquals(new RelayAddress("relay.lan", 7000), RelayAddress.parse("relay.lan:7000"));
        RelayAddress v6 = RelayAddress.parse("[::1]:5005");
        assertEquals("::1", v6.host());
        assertEquals("[::1]:5005", v6.toString());
    }

    @Test
    void refusesWhatIsNotHostPort() {
        for (String bad : new String[] {"", "relay", "relay:", ":5005", "relay:http", "::1:5005", "relay:70000", "[::1]5005"}) {
            assertThrows(IllegalArgumentException.class, () -> RelayAddress.parse(bad), bad);
        }
    }
}
