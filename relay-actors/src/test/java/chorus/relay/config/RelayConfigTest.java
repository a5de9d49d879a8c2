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

    /** The bytes of the JSON body of a chat frame: every character an emoji (12 bytes escaped), the longest name likewise. */
    private static int worstChatFrame(int characters) {
        String emoji = "\uD83D\uDE00";
        return ControlCodec.toJson(new ControlMessage.ChatMessage(Long.MAX_VALUE,
                "00000000-0000-0000-0000-000000000000", emoji.repeat(Names.MAX_LENGTH), emoji.repeat(characters),
                Long.MAX_VALUE, false)).length;
    }

    @Test
    void upToTheCharactersThatAlwaysFitAnyTextFitsInAChatFrame() {
        int bytes = worstChatFrame(ChatConfig.CHARACTERS_ALWAYS_FIT);
        assertTrue(bytes <= ControlCodec.MAX_FRAME_BYTES, "frame of " + bytes + " bytes");
        assertTrue(RelayConfig.from(ConfigFactory.load()).chat().maxCharacters() <= ChatConfig.CHARACTERS_ALWAYS_FIT,
                "with the default limit, no message is refused for its size alone");
        // Above it a text can be too large (10 000 emoji: 120 932 bytes); the relay measures each
        // message's frame and refuses those (CollaborationTest sends one end to end).
        assertTrue(worstChatFrame(ChatConfig.MAX_CHARACTERS) > ControlCodec.MAX_FRAME_BYTES);
    }

    @Test
    void aLimitBeyondThatIsRefusedAtStartupWithTheReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> RelayConfig.from(ConfigFactory.parseString(
                "chorus.relay.chat.max-characters = " + (ChatConfig.MAX_CHARACTERS + 1))
                .withFallback(ConfigFactory.load()).resolve()));
        assertTrue(e.getMessage().contains("chorus.relay.chat.max-characters is 10001"), e.getMessage());
        var start = assertThrows(Exception.class, () -> RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay.chat.max-characters = 0")));
        assertTrue(start.getMessage().contains("between 1 and"), start.getMessage());
        assertEquals(4000, RelayConfig.from(ConfigFactory.load()).chat().maxCharacters(), "the default is accepted");
    }

    @Test
    void aDominantSpeakerThatOneFrameCouldDecideIsRefusedAtStartup() {
        var e = assertThrows(IllegalArgumentException.class, () -> RelayConfig.from(ConfigFactory.parseString(
                "chorus.relay.mixer.dominant-speaker.switch-ticks = 1").withFallback(ConfigFactory.load()).resolve()));
        assertTrue(e.getMessage().contains("chorus.relay.mixer.dominant-speaker.switch-ticks must be 2..500"),
                e.getMessage());
        assertEquals(new MixerConfig.DominantSpeakerConfig(20, 6, 25, -70, 10),
                RelayConfig.from(ConfigFactory.load()).mixer().dominantSpeaker(), "the defaults are accepted");
    }
}
