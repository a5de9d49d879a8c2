package chorus.relay.control;

import chorus.protocol.control.ControlCodec;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * Cuts the TCP byte stream into control frames: a 4-byte big-endian length, then the body. A
 * length over the maximum cannot be skipped safely (the peer may be speaking another protocol),
 * so it yields {@link Oversized} and everything after it is ignored. A frame left incomplete at
 * the end of a chunk yields {@link Started}, for the connection to time it.
 *
 * <p>Not Pekko's {@code Framing.lengthField}: it reports such a length by failing, the failure
 * cancels the TCP read side with that cause, and Pekko's TCP stage answers that with an abort
 * (RST), so the client would never get its {@code frame-too-large}. Here the stream goes on being
 * read, and the error is written before the connection closes.
 */
final class ControlFraming {

    sealed interface InFrame {
    }

    record Body(byte[] bytes) implements InFrame {
    }

    record Oversized(long length) implements InFrame {
    }

    /**
     * Bytes of a frame have arrived and the frame is not complete yet: it must be within the frame
     * timeout (a frame dripping in byte by byte must not hold the connection). Once per frame.
     */
    enum Started implements InFrame {
        INSTANCE
    }

    private ControlFraming() {
    }

    static Flow<ByteString, InFrame, NotUsed> decoder() {
        return Flow.<ByteString>create().statefulMapConcat(() -> new Function<>() {
            private ByteString pending = ByteString.emptyByteString();
            private boolean broken;
            /** Whether {@link Started} was given for the frame now pending. */
            private boolean announced;

            @Override
            public Iterable<InFrame> apply(ByteString chunk) {
                if (broken) {
                    return List.of();
                }
                pending = pending.concat(chunk);
                List<InFrame> frames = new ArrayList<>(1);
                while (pending.size() >= ControlCodec.LENGTH_PREFIX_BYTES) {
                    long length = pending.iterator().getInt(ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
                    if (length > ControlCodec.MAX_FRAME_BYTES) {
                        broken = true;
                        pending = ByteString.emptyByteString();
                        frames.add(new Oversized(length));
                        break;
                    }
                    int total = ControlCodec.LENGTH_PREFIX_BYTES + (int) length;
                    if (pending.size() < total) {
                        break;
                    }
                    frames.add(new Body(pending.slice(ControlCodec.LENGTH_PREFIX_BYTES, total).toArray()));
                    pending = pending.drop(total).compact();
                    announced = false;
                }
                if (!broken && !pending.isEmpty() && !announced) {
                    announced = true;
                    frames.add(Started.INSTANCE);
                }
                return frames;
            }
        });
    }
}
