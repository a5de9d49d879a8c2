package chorus.client.session;

import chorus.client.codec.VideoEncoding;
import chorus.client.tls.RelayTrust;
import chorus.protocol.control.ControlMessage;
import java.time.Duration;

/**
 * How to join: which relay, as whom, in which room.
 *
 * @param timeout     bound on the TCP connect and, separately, on the wait for the welcome
 * @param decodeVideo decode received video into images (a load generator may skip the cost)
 * @param clientName  the software name sent in the hello, e.g. {@code chorus-bot/0.1}
 * @param resume      come back as an earlier participant (after its relay node was lost); null joins afresh
 * @param trust       TLS and whom to trust as the relay (null: {@link RelayTrust#defaults()})
 * @param token       the access token (a JWT from {@code chorus token} or a join link); null for a relay in
 *                    the open mode. With one, the relay names the participant by the token, not {@code name}
 * @param videoEncoding how camera video is sent (null: {@link VideoEncoding#H264}, the default)
 */
public record ClientOptions(RelayAddress relay, String name, String room, Duration timeout, boolean decodeVideo,
                            String clientName, ControlMessage.Resume resume, RelayTrust trust,
                            String token, VideoEncoding videoEncoding) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public ClientOptions {
        if (relay == null) {
            throw new IllegalArgumentException("relay address is required");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        trust = trust == null ? RelayTrust.defaults() : trust;
        if (name == null && token != null) {
            name = TokenPeek.nameOrNull(token); // the name the relay will give
        }
        videoEncoding = videoEncoding == null ? VideoEncoding.H264 : videoEncoding;
    }

    /** Defaults: 5 s timeout, decode video, client name {@code chorus-client/0.1}, H.264 video. */
    public static ClientOptions of(RelayAddress relay, String name, String room) {
        return new ClientOptions(relay, name, room, DEFAULT_TIMEOUT, true, "chorus-client/0.1", null, null, null,
                VideoEncoding.H264);
    }

    public ClientOptions withTimeout(Duration timeout) {
        return new ClientOptions(relay, name, room, timeout, decodeVideo, clientName, resume, trust, token, videoEncoding);
    }

    public ClientOptions withDecodeVideo(boolean decodeVideo) {
        return new ClientOptions(relay, name, room, timeout, decodeVideo, clientName, resume, trust, token, videoEncoding);
    }

    public ClientOptions withClientName(String clientName) {
        return new ClientOptions(relay, name, room, timeout, decodeVideo, clientName, resume, trust, token, videoEncoding);
    }

    /** Through another relay (node). */
    public ClientOptions withRelay(RelayAddress relay) {
        return new ClientOptions(relay, name, room, timeout, decodeVideo, clientName, resume, trust, token, videoEncoding);
    }

    public ClientOptions withTrust(RelayTrust trust) {
        return new ClientOptions(relay, name, room, timeout, decodeVideo, clientName, resume, trust, token, videoEncoding);
    }

    public ClientOptions withResume(ControlMessage.Resume resume) {
        return new ClientOptions(relay, name, room, timeout, decodeVideo, clientName, resume, trust, token, videoEncoding);
    }

    public ClientOptions withVideoEncoding(VideoEncoding encoding) {
        return new ClientOptions(relay, name, room, timeout, decodeVideo, clientName, resume, trust, token, encoding);
    }

    public ClientOptions withToken(String token) {
        return new ClientOptions(relay, name, room, timeout, decodeVideo, clientName, resume, trust, token, videoEncoding);
    }
}
