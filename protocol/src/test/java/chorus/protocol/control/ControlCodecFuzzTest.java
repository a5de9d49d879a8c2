package chorus.protocol.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Fuzz target: what a peer can put on the control connection. The input is read as the byte
 * stream of a TCP connection (length prefixes and JSON bodies) and, so that mutations inside the
 * JSON are not wasted on a prefix that no longer matches, its bytes after the first four are also
 * decoded as one body. Seeds (one frame of every message type) are in
 * {@code src/test/resources/chorus/protocol/control/ControlCodecFuzzTestInputs/}; see docs/FUZZING.md.
 */
class ControlCodecFuzzTest {
    /** What a bad frame may be answered with; anything else (or any other exception) is a defect. */
    private static final Set<ErrorCode> DECODE_ERRORS = EnumSet.of(
            ErrorCode.MALFORMED_FRAME, ErrorCode.BAD_UTF8, ErrorCode.UNKNOWN_TYPE, ErrorCode.FRAME_TOO_LARGE);

    @FuzzTest(maxDuration = "10s")
    @DictionaryEntries({"\"type\"", "\"hello\"", "\"welcome\"", "\"joined\"", "\"left\"", "\"ping\"",
            "\"pong\"", "\"leave\"", "\"error\"", "\"chat-send\"", "\"chat\"", "\"screen-start\"",
            "\"screen-stop\"", "\"presenter\"", "\"file\"", "\"audio-levels\"", "\"participant-updated\"",
            "\"nodes\"", "\"move\"", "\"protocolVersion\"", "\"name\"", "\"room\"", "\"client\"",
            "\"resume\"", "\"participantId\"", "\"token\"", "\"mediaId\"", "\"mediaKey\"", "\"media\"",
            "\"roster\"", "\"levels\"", "\"level\"", "\"participant\"", "\"text\"", "\"nonce\"",
            "\"history\"", "\"files\"", "\"resumeToken\"", "\"\\ud800\"", "\"\\u0000\"", "null", "true",
            "-9223372036854775808", "4294967296", "1e3", "[{}]"})
    void decodingArbitraryFrames(byte[] input) throws Exception {
        readAsStream(input);
        int body = input.length - ControlCodec.LENGTH_PREFIX_BYTES;
        // When the prefix already announced exactly the rest, the stream read decoded that body.
        if (body >= 0 && ByteBuffer.wrap(input).getInt() != body) {
            decodeBody(Arrays.copyOfRange(input, ControlCodec.LENGTH_PREFIX_BYTES, input.length));
        }
    }

    /** Frames one after another until the stream ends or a prefix says the stream is unusable. */
    private static void readAsStream(byte[] input) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(input));
        while (true) {
            try {
                checkDecoded(ControlCodec.readFrame(in));
            } catch (EOFException end) {
                return;
            } catch (ControlProtocolException e) {
                checkRefusal(e);
                if (e.code() == ErrorCode.FRAME_TOO_LARGE) {
                    return; // the relay closes the connection here: the stream cannot be resynchronised
                }
            }
        }
    }

    private static void decodeBody(byte[] body) {
        ControlMessage message;
        try {
            message = ControlCodec.decode(body);
        } catch (ControlProtocolException e) {
            checkRefusal(e);
            assertTrue(e.code() != ErrorCode.FRAME_TOO_LARGE || body.length > ControlCodec.MAX_FRAME_BYTES,
                    "frame-too-large only for a body over the maximum");
            return;
        }
        checkDecoded(message);
    }

    /** What decodes encodes again, decodes to the same message, and encodes to the same bytes. */
    private static void checkDecoded(ControlMessage message) {
        assertNotNull(message, "decode returns a message or throws");
        ControlCodec.typeName(message); // every decoded message has a wire name
        byte[] json = ControlCodec.toJson(message);
        if (json.length > ControlCodec.MAX_FRAME_BYTES) {
            // Defaults written out (nulls, zeros) can make it longer than what arrived; the encoder refuses it.
            assertThrows(IllegalArgumentException.class, () -> ControlCodec.encodeFrame(message));
            return;
        }
        ControlMessage again;
        try {
            again = ControlCodec.decode(json);
        } catch (ControlProtocolException e) {
            fail("the encoding of a decoded " + ControlCodec.typeName(message) + " does not decode: " + e.getMessage());
            return;
        }
        assertEquals(message, again, "decode after encode gives the same message");
        assertArrayEquals(json, ControlCodec.toJson(again), "the encoding is stable");
    }

    /** A refusal carries a stable code and an answer that itself fits in a frame. */
    private static void checkRefusal(ControlProtocolException e) {
        assertTrue(DECODE_ERRORS.contains(e.code()), "unexpected code " + e.code());
        assertNotNull(e.getMessage());
        byte[] answer = ControlCodec.encodeFrame(e.toMessage()); // throws if the quoted input made it too long
        assertTrue(answer.length <= ControlCodec.LENGTH_PREFIX_BYTES + ControlCodec.MAX_FRAME_BYTES);
    }
}
