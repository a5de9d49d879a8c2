package chorus.protocol.control;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Encodes and decodes control messages: a 4-byte big-endian length prefix, then that many bytes of
 * UTF-8 JSON. Frames over {@link #MAX_FRAME_BYTES} are refused. Thread-safe.
 */
public final class ControlCodec {
    /** Largest JSON body of one frame, excluding the prefix. */
    public static final int MAX_FRAME_BYTES = 64 * 1024;
    public static final int LENGTH_PREFIX_BYTES = 4;

    private static final ObjectMapper MAPPER = strict(JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // newer peers may add fields
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build());

    /** One frame, one object, each field once, numbers as numbers: no guessing at what a peer meant. */
    private static ObjectMapper strict(ObjectMapper mapper) {
        mapper.coercionConfigDefaults()
                .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.String,
                        com.fasterxml.jackson.databind.cfg.CoercionAction.Fail)
                .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Float,
                        com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
        mapper.coercionConfigFor(com.fasterxml.jackson.databind.type.LogicalType.Textual)
                .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.String,
                        com.fasterxml.jackson.databind.cfg.CoercionAction.TryConvert);
        return mapper;
    }

    /** Wire type name → record, read from the one list on {@link ControlMessage}. */
    private static final Map<String, Class<? extends ControlMessage>> TYPES = typesByName();

    @SuppressWarnings("unchecked")
    private static Map<String, Class<? extends ControlMessage>> typesByName() {
        Map<String, Class<? extends ControlMessage>> types = new java.util.HashMap<>();
        for (JsonSubTypes.Type t : ControlMessage.class.getAnnotation(JsonSubTypes.class).value()) {
            types.put(t.name(), (Class<? extends ControlMessage>) t.value());
        }
        return Map.copyOf(types);
    }

    private ControlCodec() {
    }

    /** The wire name of a message's type, e.g. {@code "welcome"}. */
    public static String typeName(ControlMessage message) {
        for (Map.Entry<String, Class<? extends ControlMessage>> e : TYPES.entrySet()) {
            if (e.getValue() == message.getClass()) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("unmapped message " + message.getClass());
    }

    /** The JSON body of a message, without the prefix. */
    public static byte[] toJson(ControlMessage message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + message, e);
        }
    }

    /** Bytes of {@code value}'s JSON as this codec writes it (a part of a message, to size a frame by). */
    static int jsonLength(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value).length;
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }

    /** A whole frame: length prefix and JSON body. */
    public static byte[] encodeFrame(ControlMessage message) {
        byte[] json = toJson(message);
        if (json.length > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("control message of " + json.length + " bytes exceeds " + MAX_FRAME_BYTES);
        }
        ByteBuffer frame = ByteBuffer.allocate(LENGTH_PREFIX_BYTES + json.length);
        frame.putInt(json.length).put(json);
        return frame.array();
    }

    /** Decodes one frame body. Each way it can fail maps to a stable {@link ErrorCode}. */
    public static ControlMessage decode(byte[] body) throws ControlProtocolException {
        if (body.length > MAX_FRAME_BYTES) {
            throw new ControlProtocolException(ErrorCode.FRAME_TOO_LARGE,
                    "frame of " + body.length + " bytes exceeds " + MAX_FRAME_BYTES);
        }
        checkUtf8(body);
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new ControlProtocolException(ErrorCode.MALFORMED_FRAME, "not JSON: " + firstLine(e.getMessage()));
        }
        if (tree == null || !tree.isObject()) {
            throw new ControlProtocolException(ErrorCode.MALFORMED_FRAME, "a control frame must be a JSON object");
        }
        JsonNode type = tree.get("type");
        if (type == null || !type.isTextual()) {
            throw new ControlProtocolException(ErrorCode.MALFORMED_FRAME, "missing string field 'type'");
        }
        if (!TYPES.containsKey(type.asText())) {
            throw new ControlProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown message type '" + type.asText() + "'");
        }
        try {
            return MAPPER.treeToValue(tree, ControlMessage.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new ControlProtocolException(ErrorCode.MALFORMED_FRAME,
                    "bad '" + type.asText() + "' message: " + firstLine(e.getMessage()));
        }
    }

    /**
     * Reads one frame from a blocking stream.
     *
     * @throws EOFException when the stream ends cleanly before a frame starts
     * @throws ControlProtocolException when the prefix is over the maximum (the stream is then unusable)
     */
    public static ControlMessage readFrame(DataInputStream in) throws IOException, ControlProtocolException {
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME_BYTES) {
            throw new ControlProtocolException(ErrorCode.FRAME_TOO_LARGE,
                    "frame length " + Integer.toUnsignedString(length) + " exceeds " + MAX_FRAME_BYTES);
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return decode(body);
    }

    private static void checkUtf8(byte[] body) throws ControlProtocolException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer ignored = decoder.decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw new ControlProtocolException(ErrorCode.BAD_UTF8, "frame is not valid UTF-8");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
