package chorus.protocol.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage.MediaEndpoints;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ControlCodecTest {

    static Stream<ControlMessage> everyMessage() {
        ParticipantInfo ada = new ParticipantInfo("p-1", "Ada", 17);
        ParticipantInfo bob = new ParticipantInfo("p-2", "Bøb 🎤", 99);
        return Stream.of(
                new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Ada", "standup", "chorus-bot/0.1"),
                new ControlMessage.Welcome(ControlMessage.PROTOCOL_VERSION, "p-1", 17, "a2V5", new MediaEndpoints("127.0.0.1", 5000, 5001),
                        "standup", 2, 2000, 10_000, new ControlMessage.FileService(8080, "tok"), null, List.of()),
                new ControlMessage.Welcome(ControlMessage.PROTOCOL_VERSION, "p-1", 17, "a2V5", new MediaEndpoints("127.0.0.1", 5000, 5001),
                        "standup", 1, 2000, 10_000, new ControlMessage.FileService(8080, "tok"),
                        "c2lnbmVk", List.of("10.0.0.2:5015", "10.0.0.3:5025")),
                new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Ada", "standup", "chorus-bot/0.1",
                        new ControlMessage.Resume("p-1", "c2lnbmVk")),
                new ControlMessage.RosterPage(0, 2, List.of(ada, new ParticipantInfo("p-2", "Bøb 🎤", 99, List.of(180, 360, 720)))),
                new ControlMessage.ParticipantUpdated(new ParticipantInfo("p-1", "Ada", 65553)),
                new ControlMessage.Nodes(List.of("10.0.0.2:5015")),
                new ControlMessage.Move(List.of("10.0.0.2:5015", "10.0.0.3:5015")),
                new ControlMessage.ParticipantJoined(bob),
                new ControlMessage.ParticipantLeft(bob, "timeout"),
                new ControlMessage.Ping(42),
                new ControlMessage.Pong(-7),
                new ControlMessage.Leave(),
                new ControlMessage.ChatSend("hello 👋 room"),
                new ControlMessage.ChatMessage(7, "p-2", "Bøb 🎤", "hi\nthere", 1_764_000_000_000L, true),
                new ControlMessage.AudioLevels(List.of(new ControlMessage.AudioLevel(17, -23), new ControlMessage.AudioLevel(99, 0))),
                new ControlMessage.ScreenShareStart(),
                new ControlMessage.ScreenShareStop(),
                new ControlMessage.PresenterChanged(bob),
                new ControlMessage.PresenterChanged(null),
                new ControlMessage.FileOffered(new ControlMessage.FileInfo("f-1", "notes.pdf", 12345,
                        "ab".repeat(32), "p-1", "Ada", 1_764_000_000_000L), false),
                new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Ada", "standup", "chorus-bot/0.1")
                        .withLayers(List.of(180, 360, 720)),
                new ControlMessage.ParticipantJoined(new ParticipantInfo("p-3", "Cy", 18, List.of(180, 360))),
                new ControlMessage.Subscribe(List.of(ControlMessage.Source.camera("p-2", 1),
                        ControlMessage.Source.screen("p-2")), new ControlMessage.LastN(1, 2)),
                new ControlMessage.Subscribe(List.of(), null),
                new ControlMessage.LayersWanted(List.of(0, 2), false),
                new ControlMessage.LayersWanted(List.of(), true),
                new ControlMessage.DominantSpeaker("p-2", List.of("p-2", "p-1")),
                new ControlMessage.DominantSpeaker(null, List.of()),
                ControlMessage.Error.of(ErrorCode.INVALID_NAME, "name must not be empty"));
    }

    @Test
    void layersAreLeftOutOfAParticipantThatNamesNone() {
        String json = new String(ControlCodec.toJson(new ControlMessage.ParticipantJoined(
                new ParticipantInfo("p-2", "Bob", 18))), StandardCharsets.UTF_8);
        assertEquals("{\"type\":\"joined\",\"participant\":{\"participantId\":\"p-2\",\"name\":\"Bob\",\"mediaId\":18}}", json);
        assertEquals(1, new ParticipantInfo("p-2", "Bob", 18).layerCount());
        assertEquals(3, new ParticipantInfo("p-2", "Bob", 18, List.of(180, 360, 720)).layerCount());
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void everyMessageSurvivesARoundTripThroughAFrame(ControlMessage message) throws Exception {
        byte[] frame = ControlCodec.encodeFrame(message);
        assertEquals(frame.length - 4, ByteBuffer.wrap(frame).getInt(), "length prefix counts the body");
        ControlMessage back = ControlCodec.readFrame(new DataInputStream(new ByteArrayInputStream(frame)));
        assertEquals(message, back);
    }

    @Test
    void theRoundTripCoversEveryMessageType() {
        java.util.Set<String> tested = new java.util.TreeSet<>();
        everyMessage().forEach(m -> tested.add(ControlCodec.typeName(m)));
        java.util.Set<String> declared = new java.util.TreeSet<>();
        for (var t : ControlMessage.class.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class).value()) {
            declared.add(t.name());
        }
        assertEquals(declared, tested);
    }

    @Test
    void typeDiscriminatorIsOnTheWire() {
        String json = new String(ControlCodec.toJson(new ControlMessage.Ping(5)), StandardCharsets.UTF_8);
        assertEquals("{\"type\":\"ping\",\"nonce\":5}", json);
    }

    @Test
    void errorCodesAreLowerCaseWithDashes() {
        assertEquals("frame-too-large", ErrorCode.FRAME_TOO_LARGE.wire());
        assertEquals("invalid-name", ControlMessage.Error.of(ErrorCode.INVALID_NAME, "x").code());
    }

    private static ErrorCode failure(String body) {
        return failure(body.getBytes(StandardCharsets.UTF_8));
    }

    private static ErrorCode failure(byte[] body) {
        return assertThrows(ControlProtocolException.class, () -> ControlCodec.decode(body)).code();
    }

    @Test
    void badFramesAreRefusedWithStableCodes() {
        assertEquals(ErrorCode.MALFORMED_FRAME, failure("{not json"));
        assertEquals(ErrorCode.MALFORMED_FRAME, failure("[1,2,3]"));
        assertEquals(ErrorCode.MALFORMED_FRAME, failure("{\"nonce\":1}"));
        assertEquals(ErrorCode.MALFORMED_FRAME, failure("{\"type\":7}"));
        assertEquals(ErrorCode.MALFORMED_FRAME, failure("{\"type\":\"ping\",\"nonce\":\"many\"}"));
        assertEquals(ErrorCode.MALFORMED_FRAME, failure(""));
        assertEquals(ErrorCode.UNKNOWN_TYPE, failure("{\"type\":\"teleport\"}"));
        assertEquals(ErrorCode.MALFORMED_FRAME, failure("{\"type\":\"ping\",\"nonce\":1.9}"), "no float truncation");
        assertEquals(ErrorCode.MALFORMED_FRAME, failure("{\"type\":\"ping\",\"nonce\":\"1\"}"), "no string to number");
        assertEquals(ErrorCode.MALFORMED_FRAME, failure("{\"type\":\"ping\",\"nonce\":1}{\"type\":\"leave\"}"),
                "a second object in one frame would be lost");
        assertEquals(ErrorCode.MALFORMED_FRAME, failure("{\"type\":\"ping\",\"nonce\":1,\"nonce\":2}"));
        assertEquals(ErrorCode.BAD_UTF8, failure(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}));
        assertEquals(ErrorCode.FRAME_TOO_LARGE, failure(new byte[ControlCodec.MAX_FRAME_BYTES + 1]));
    }

    @Test
    void oversizedLengthPrefixIsRefusedBeforeReadingTheBody() {
        byte[] prefix = ByteBuffer.allocate(4).putInt(ControlCodec.MAX_FRAME_BYTES + 1).array();
        ControlProtocolException e = assertThrows(ControlProtocolException.class,
                () -> ControlCodec.readFrame(new DataInputStream(new ByteArrayInputStream(prefix))));
        assertEquals(ErrorCode.FRAME_TOO_LARGE, e.code());
    }

    @Test
    void unknownFieldsFromNewerPeersAreIgnored() throws Exception {
        ControlMessage m = ControlCodec.decode("{\"type\":\"pong\",\"nonce\":3,\"extra\":true}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(new ControlMessage.Pong(3), m);
    }

    @Test
    void encoderRefusesAMessageOverTheLimit() {
        String huge = "x".repeat(ControlCodec.MAX_FRAME_BYTES);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ControlCodec.encodeFrame(new ControlMessage.Error(ErrorCode.INTERNAL.wire(), huge)))
                .getMessage().contains("exceeds"));
    }

    /**
     * PROTOCOL.md Appendix A.6, A.7 and A.8, byte for byte: the length prefix, then the body. A.6 is
     * a hello as a client may send it, without its optional fields (the Java encoder writes them as null).
     */
    @Test
    void appendixAControlFrames() throws Exception {
        String hello = "{\"type\":\"hello\",\"protocolVersion\":2,\"name\":\"Ada\","
                + "\"room\":\"standup\",\"client\":\"chorus-bot/0.1\"}";
        assertEquals(92, hello.getBytes(StandardCharsets.UTF_8).length);
        assertEquals(new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Ada", "standup", "chorus-bot/0.1"),
                ControlCodec.decode(hello.getBytes(StandardCharsets.UTF_8)));
        assertEquals(frame("00000052", "{\"type\":\"joined\",\"participant\":{\"participantId\":\"p-2\","
                        + "\"name\":\"B\u00f8b\",\"mediaId\":18}}"),
                hex(ControlCodec.encodeFrame(
                        new ControlMessage.ParticipantJoined(new ParticipantInfo("p-2", "B\u00f8b", 18)))));
        assertEquals(frame("00000026", "{\"type\":\"chat-send\",\"text\":\"Hi, B\u00f8b\"}"),
                hex(ControlCodec.encodeFrame(new ControlMessage.ChatSend("Hi, B\u00f8b"))));
    }

    private static String frame(String prefix, String json) {
        return prefix + hex(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
