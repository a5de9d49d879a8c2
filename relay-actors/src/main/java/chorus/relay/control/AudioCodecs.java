package chorus.relay.control;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.media.Codec;
import java.util.List;

/**
 * The relay's side of audio codec negotiation: the mix codecs it encodes, and the one it sends a
 * client, the first of the hello's {@code codecs.audio} (what the client decodes, most preferred
 * first) that the relay encodes. A hello naming none of them gets PCM, which every client decodes.
 */
final class AudioCodecs {
    /** What the mixer encodes. */
    static final List<Integer> ENCODED = List.of(Codec.OPUS, Codec.PCM16);

    private AudioCodecs() {
    }

    /** The codec id of the mix for a client that sent {@code hello}. */
    static int mixFor(ControlMessage.Hello hello) {
        for (String name : hello.decodes().audio()) {
            int codec = Codec.forName(name);
            if (ENCODED.contains(codec)) {
                return codec;
            }
        }
        return Codec.PCM16;
    }
}
