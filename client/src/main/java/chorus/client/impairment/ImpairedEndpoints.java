package chorus.client.impairment;

import chorus.client.session.MediaSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A client's two media endpoints behind impairment proxies: one {@link ImpairmentProxy} in front of
 * the relay's video port and one in front of its audio port, each impairing {@code up} (client to
 * relay) and {@code down} (relay to client) alike. {@link #through} makes the function
 * {@code ChorusClient.connect} takes, so a real client joins through them.
 */
public final class ImpairedEndpoints implements AutoCloseable {
    private final ImpairmentProxy video;
    private final ImpairmentProxy audio;
    private final MediaSession.Config config;

    private ImpairedEndpoints(ImpairmentProxy video, ImpairmentProxy audio, MediaSession.Config direct) {
        this.video = video;
        this.audio = audio;
        this.config = new MediaSession.Config(video.address(), audio.address(), direct.mediaId(), direct.key(),
                direct.decodeVideo(), direct.videoEncoding(), direct.lossRecovery());
    }

    /** Proxies in front of {@code direct}'s endpoints (the relay's, from the welcome). */
    public static ImpairedEndpoints start(MediaSession.Config direct, Impairment up, Impairment down) throws IOException {
        ImpairmentProxy video = ImpairmentProxy.start(direct.videoEndpoint(), up, down);
        try {
            // The audio path draws from its own seeds: the same settings, not the same fates.
            return new ImpairedEndpoints(video, ImpairmentProxy.start(direct.audioEndpoint(), up.withSeed(up.seed() + 1),
                    down.withSeed(down.seed() + 1)), direct);
        } catch (IOException e) {
            video.close();
            throw e;
        }
    }

    /**
     * For {@code ChorusClient.connect(options, listener, room, media)}: the client's media goes
     * through new proxies, which are added to {@code started} for the caller to read and close.
     */
    public static UnaryOperator<MediaSession.Config> through(Impairment up, Impairment down,
                                                             List<ImpairedEndpoints> started) {
        return direct -> {
            try {
                ImpairedEndpoints endpoints = start(direct, up, down);
                started.add(endpoints);
                return endpoints.config();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start impairment proxies", e);
            }
        };
    }

    /** A list to collect started endpoints in from the connecting thread. */
    public static List<ImpairedEndpoints> list() {
        return new CopyOnWriteArrayList<>();
    }

    /** The client's media configuration: the proxies' addresses, the welcome's id and key. */
    public MediaSession.Config config() {
        return config;
    }

    public ImpairmentProxy video() {
        return video;
    }

    public ImpairmentProxy audio() {
        return audio;
    }

    @Override
    public void close() {
        video.close();
        audio.close();
    }
}
