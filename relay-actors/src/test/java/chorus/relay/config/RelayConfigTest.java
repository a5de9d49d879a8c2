package chorus.relay.config;

import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.Names;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings that could break the protocol are refused at startup, with the reason. */
class RelayConfigTest {

    @Test
    void theLongestChatMessageAllowedFitsInAControlFrameInTheWorstCase() {
        // Every character a control character (written \\u0001, six bytes), the longest name likewise.
        String text = "\u0001".repeat(RelayConfig.MAX_CHAT_CHARACTERS);
        String name = "\u0001".repeat(Names.MAX_LENGTH);
        byte[] frame = ControlCodec.encodeFrame(new ControlMessage.ChatMessage(Long.MAX_VALUE,
                "00000000-0000-0000-0000-000000000000", name, text, Long.MAX_VALUE, true));
        assertTrue(frame.length - 4 <= ControlCodec.MAX_FRAME_BYTES, "frame of " + frame.length + " bytes");
    }

    @Test
    void aLimitBeyondThatIsRefusedAtStartupWithTheReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> RelayConfig.from(ConfigFactory.parseString(
                "chorus.relay.chat.max-characters = " + (RelayConfig.MAX_CHAT_CHARACTERS + 1))
                .withFallback(ConfigFactory.load()).resolve()));
        assertTrue(e.getMessage().contains("chorus.relay.chat.max-characters is 10001"), e.getMessage());
        var start = assertThrows(Exception.class, () -> RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay.chat.max-characters = 0")));
        assertTrue(start.getMessage().contains("between 1 and"), start.getMessage());
        assertEquals(4000, RelayConfig.from(ConfigFactory.load()).chatMaxCharacters(), "the default is accepted");
    }
}
