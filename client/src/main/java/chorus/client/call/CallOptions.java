package chorus.client.call;

import chorus.client.codec.VideoEncoding;
import chorus.client.session.ClientOptions;
import chorus.client.session.RelayAddress;
import chorus.client.session.TokenPeek;
import chorus.client.tls.RelayTrust;
import java.time.Duration;

/**
 * How a {@link Call} joins and keeps itself joined.
 *
 * @param timeout          bound on each connection attempt (TCP connect, then the welcome)
 * @param reconnectInitial wait before the first retry after a failure or a lost relay
 * @param reconnectMax     the wait doubles after each failed attempt up to this
 * @param fps              frames a second sent from the camera
 * @param clientName       the software name sent in the hello
 * @param reconnectOnLoss  when the connection is lost, come back (as the same participant, through the
 *                         other nodes of a clustered relay first); false ends the call instead. A
 *                         draining relay node's {@code move} is followed either way.
 * @param keepPictures     keep the newest picture of the camera (the self view) and of everyone else for
 *                         a view to show; a headless call (a bot) keeps none and only counts frames,
 *                         sparing a copy of every frame captured and the memory of every frame received
 * @param trust            TLS and whom to trust as the relay (null: {@link RelayTrust#defaults()})
 * @param token            the access token, or null (a relay in the open mode)
 * @param videoEncoding    how the camera is sent (null: {@link VideoEncoding#H264}, the default)
 */
public record CallOptions(RelayAddress relay, String name, String room, Duration timeout, Duration reconnectInitial,
                          Duration reconnectMax, int fps, String clientName, boolean reconnectOnLoss,
                          boolean keepPictures, RelayTrust trust, String token, VideoEncoding videoEncoding) {
    public static final Duration DEFAULT_RECONNECT_INITIAL = Duration.ofMillis(500);
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(5);
    public static final int DEFAULT_FPS = 15;

    public CallOptions {
        if (relay == null) {
            throw new IllegalArgumentException("relay address is required");
        }
        for (Duration d : new Duration[] {timeout, reconnectInitial, reconnectMax}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts and reconnect waits must be positive");
            }
        }
        if (reconnectMax.compareTo(reconnectInitial) < 0) {
            throw new IllegalArgumentException("reconnectMax must be at least reconnectInitial");
        }
        if (fps < 1 || fps > 60) {
            throw new IllegalArgumentException("fps " + fps + " is outside 1..60");
        }
        if (name == null && token != null) {
            name = TokenPeek.nameOrNull(token); // the name the relay will give
        }
        videoEncoding = videoEncoding == null ? VideoEncoding.H264 : videoEncoding;
    }

    /**
     * 5 s per attempt, reconnects after a loss with retries from 0.5 s doubling to 5 s, 15 fps,
     * client name {@code chorus-desktop/0.1}, pictures kept for a view, H.264 video.
     */
    public static CallOptions of(RelayAddress relay, String name, String room) {
        return new CallOptions(relay, name, room, ClientOptions.DEFAULT_TIMEOUT, DEFAULT_RECONNECT_INITIAL,
                DEFAULT_RECONNECT_MAX, DEFAULT_FPS, "chorus-desktop/0.1", true, true, null, null, VideoEncoding.H264);
    }

    public CallOptions withReconnect(Duration initial, Duration max) {
        return new CallOptions(relay, name, room, timeout, initial, max, fps, clientName, reconnectOnLoss,
                keepPictures, trust, token, videoEncoding);
    }

    public CallOptions withReconnectOnLoss(boolean reconnect) {
        return new CallOptions(relay, name, room, timeout, reconnectInitial, reconnectMax, fps, clientName, reconnect,
                keepPictures, trust, token, videoEncoding);
    }

    public CallOptions withTimeout(Duration timeout) {
        return new CallOptions(relay, name, room, timeout, reconnectInitial, reconnectMax, fps, clientName,
                reconnectOnLoss, keepPictures, trust, token, videoEncoding);
    }

    public CallOptions withKeepPictures(boolean keep) {
        return new CallOptions(relay, name, room, timeout, reconnectInitial, reconnectMax, fps, clientName,
                reconnectOnLoss, keep, trust, token, videoEncoding);
    }

    public CallOptions withFps(int fps) {
        return new CallOptions(relay, name, room, timeout, reconnectInitial, reconnectMax, fps, clientName,
                reconnectOnLoss, keepPictures, trust, token, videoEncoding);
    }

    public CallOptions withClientName(String clientName) {
        return new CallOptions(relay, name, room, timeout, reconnectInitial, reconnectMax, fps, clientName,
                reconnectOnLoss, keepPictures, trust, token, videoEncoding);
    }

    public CallOptions withTrust(RelayTrust trust) {
        return new CallOptions(relay, name, room, timeout, reconnectInitial, reconnectMax, fps, clientName,
                reconnectOnLoss, keepPictures, trust, token, videoEncoding);
    }

    public CallOptions withToken(String token) {
        return new CallOptions(relay, name, room, timeout, reconnectInitial, reconnectMax, fps, clientName,
                reconnectOnLoss, keepPictures, trust, token, videoEncoding);
    }

    public CallOptions withVideoEncoding(VideoEncoding encoding) {
        return new CallOptions(relay, name, room, timeout, reconnectInitial, reconnectMax, fps, clientName,
                reconnectOnLoss, keepPictures, trust, token, encoding);
    }

    ClientOptions clientOptions() {
        return ClientOptions.of(relay, name, room).withTimeout(timeout).withClientName(clientName).withTrust(trust)
                .withToken(token).withVideoEncoding(videoEncoding);
    }
}
