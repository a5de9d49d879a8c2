package chorus.client.bot;

import chorus.client.codec.Simulcast;
import chorus.client.codec.VideoEncoding;
import chorus.client.media.TestPattern;
import chorus.client.media.TestScreen;
import chorus.client.session.RelayAddress;
import chorus.client.tls.RelayTrust;
import chorus.protocol.audio.AudioFormat;
import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.SimulcastLayers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link Bot} does. Start from {@link #of} and change what differs:
 * {@code BotOptions.of(relay, "alice", "room").withTone(523).withDuration(Duration.ofSeconds(5))}.
 *
 * @param video       send the moving test pattern
 * @param fps         video frame rate
 * @param toneHz      frequency of the tone sent, or 0 to send no audio
 * @param duration    how long to stay, or null to stay until stopped
 * @param recordAudio where to write the mix heard (48 kHz mono 16-bit WAV), or null
 * @param say         chat messages to send once joined, in order
 * @param shareScreen present a synthetic 1280x720 screen ({@link TestScreen}) at {@link #SCREEN_FPS}
 * @param uploads     files to offer to the room once joined, in order
 * @param downloadAll where to download every file offered in the room (those offered before the
 *                    bot joined included), or null to download nothing
 * @param reconnect   when the connection is lost, come back (through the other nodes of a clustered
 *                    relay first, as the same participant) instead of ending; a relay node that
 *                    drains and asks the bot to {@code move} is followed either way
 * @param trust       TLS and whom to trust as the relay (null: {@link RelayTrust#defaults()})
 * @param token       the access token to join with, or null (a relay in the open mode)
 * @param layers      simulcast layers of the test pattern, 1..3 ({@link #DEFAULT_LAYERS}: 3 for H.264, 1 for JPEG)
 * @param layerHeights the simulcast ladder's heights, or null for the default 180, 360, 720 (of which a
 *                    {@value TestPattern#HEIGHT}-line pattern fills two)
 * @param subscribe   how many others to show: subscribed to, first in roster order, at {@code subscribeLayer};
 *                    {@link #NO_SUBSCRIPTION} to leave the relay's default
 * @param subscribeLayer the layer asked for each one shown
 * @param videoEncoding how the test pattern is sent (null: {@link VideoEncoding#H264}, the default)
 * @param audioCodec  what the tone is sent in, and the mix asked for: {@link Codec#OPUS} (the default)
 *                    or {@link Codec#PCM16}
 */
public record BotOptions(RelayAddress relay, String name, String room, boolean video, int fps, double toneHz,
                         Duration duration, Path recordAudio, List<String> say, boolean shareScreen,
                         List<Path> uploads, Path downloadAll, boolean reconnect, RelayTrust trust,
                         String token, VideoEncoding videoEncoding, int audioCodec, int layers,
                         List<Integer> layerHeights, int subscribe, int subscribeLayer) {
    /**
     * {@link #layers} when not given: three layers with H.264 (the relay forwards each receiver one
     * and pauses the ones nobody watches), one with JPEG (simulcast is for the real codec).
     */
    public static final int DEFAULT_LAYERS = 0;
    /** {@link #subscribe} when the bot subscribes to nothing (the relay's default: everyone at the largest layer). */
    public static final int NO_SUBSCRIPTION = -1;
    public static final int DEFAULT_FPS = 15;
    public static final double DEFAULT_TONE_HZ = 440;
    /** The synthetic screen's frame rate: slides change slowly. */
    public static final int SCREEN_FPS = 5;

    public BotOptions {
        if (relay == null) {
            throw new IllegalArgumentException("relay address is required");
        }
        if (fps < 1 || fps > 60) {
            throw new IllegalArgumentException("fps " + fps + " is outside 1..60");
        }
        if (toneHz != 0 && !(toneHz > 0 && toneHz < AudioFormat.SAMPLE_RATE / 2.0)) {
            throw new IllegalArgumentException("tone of " + toneHz + " Hz is outside (0, " + AudioFormat.SAMPLE_RATE / 2 + ")");
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("duration must be positive");
        }
        say = say == null ? List.of() : List.copyOf(say);
        uploads = uploads == null ? List.of() : List.copyOf(uploads);
        videoEncoding = videoEncoding == null ? VideoEncoding.H264 : videoEncoding;
        if (audioCodec != Codec.OPUS && audioCodec != Codec.PCM16) {
            throw new IllegalArgumentException("audio codec must be opus or pcm");
        }
        if (layers != DEFAULT_LAYERS && (layers < 1 || layers > MediaHeader.MAX_LAYERS)) {
            throw new IllegalArgumentException("layers " + layers + " is outside 1.." + MediaHeader.MAX_LAYERS);
        }
        layerHeights = layerHeights == null ? null : List.copyOf(layerHeights);
        String heightsProblem = SimulcastLayers.problem(layerHeights);
        if (heightsProblem != null) {
            throw new IllegalArgumentException(heightsProblem);
        }
        if (subscribe < NO_SUBSCRIPTION) {
            throw new IllegalArgumentException("subscribe " + subscribe + " is negative");
        }
        if (subscribeLayer < 0 || subscribeLayer >= MediaHeader.MAX_LAYERS) {
            throw new IllegalArgumentException("subscribe layer " + subscribeLayer + " is outside 0.."
                    + (MediaHeader.MAX_LAYERS - 1));
        }
    }

    /**
     * How the test pattern is sent: the video encoding with {@link #layers} simulcast layers of the
     * ladder ({@link Simulcast#DEFAULT_LADDER}, or {@link #layerHeights} with the default ladder's
     * bitrates and rates rung by rung), chosen for the pattern's {@value TestPattern#HEIGHT} lines.
     */
    public VideoEncoding cameraEncoding() {
        List<Simulcast.Layer> ladder = Simulcast.DEFAULT_LADDER;
        if (layerHeights != null) {
            List<Simulcast.Layer> rungs = new ArrayList<>();
            for (int i = 0; i < layerHeights.size(); i++) {
                Simulcast.Layer like = Simulcast.DEFAULT_LADDER.get(i);
                rungs.add(new Simulcast.Layer(layerHeights.get(i), like.bitrate(), like.fps()));
            }
            ladder = rungs;
        }
        return videoEncoding.withSimulcast(new Simulcast(ladder, layerCount(), TestPattern.HEIGHT));
    }

    /** The most layers sent: {@link #layers}, or by default 3 with H.264 and 1 with JPEG (see {@link #DEFAULT_LAYERS}). */
    public int layerCount() {
        if (layers != DEFAULT_LAYERS) {
            return layers;
        }
        return videoEncoding.codec() == Codec.H264 ? MediaHeader.MAX_LAYERS : 1;
    }

    /** Sends the test pattern in up to {@code n} simulcast layers (1..3). */
    public BotOptions withLayers(int n) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding, audioCodec, n, layerHeights, subscribe,
                subscribeLayer);
    }

    /** The simulcast ladder's heights (ascending; null: the default 180, 360, 720). */
    public BotOptions withLayerHeights(List<Integer> heights) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding, audioCodec, layers, heights, subscribe,
                subscribeLayer);
    }

    /**
     * Shows {@code tiles} others: subscribes to the first {@code tiles} other participants in roster
     * order at {@code layer} (at most each one's largest), again whenever the roster changes.
     */
    public BotOptions withSubscribe(int tiles, int layer) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding, audioCodec, layers, layerHeights, tiles, layer);
    }

    /** Test pattern at 15 fps in H.264, a 440 Hz tone, no time limit, no recording, no chat, no screen, no files. */
    public static BotOptions of(RelayAddress relay, String name, String room) {
        return new BotOptions(relay, name, room, true, DEFAULT_FPS, DEFAULT_TONE_HZ, null, null, List.of(), false,
                List.of(), null, false, null, null, VideoEncoding.H264, Codec.OPUS, DEFAULT_LAYERS, null, NO_SUBSCRIPTION, 0);
    }

    public static BotOptions of(String host, int port, String name, String room) {
        return of(new RelayAddress(host, port), name, room);
    }

    public boolean silent() {
        return toneHz == 0;
    }

    public BotOptions withVideo(boolean video) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding, audioCodec, layers, layerHeights, subscribe, subscribeLayer);
    }

    public BotOptions withFps(int fps) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding, audioCodec, layers, layerHeights, subscribe, subscribeLayer);
    }

    public BotOptions withTone(double hz) {
        return new BotOptions(relay, name, room, video, fps, hz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding, audioCodec, layers, layerHeights, subscribe, subscribeLayer);
    }

    /** Sends no audio (still hears and records the mix). */
    public BotOptions withSilence() {
        return withTone(0);
    }

    public BotOptions withDuration(Duration duration) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding, audioCodec, layers, layerHeights, subscribe, subscribeLayer);
    }

    public BotOptions withRecordAudio(Path file) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, file, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding, audioCodec, layers, layerHeights, subscribe, subscribeLayer);
    }

    /** Adds chat messages to send once joined. */
    public BotOptions withSay(String... texts) {
        List<String> all = new ArrayList<>(say);
        all.addAll(List.of(texts));
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, all, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding, audioCodec, layers, layerHeights, subscribe, subscribeLayer);
    }

    public BotOptions withShareScreen(boolean share) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, share, uploads,
                downloadAll, reconnect, trust, token, videoEncoding, audioCodec, layers, layerHeights, subscribe, subscribeLayer);
    }

    /** Adds files to offer to the room once joined. */
    public BotOptions withUpload(Path... files) {
        List<Path> all = new ArrayList<>(uploads);
        all.addAll(List.of(files));
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, all,
                downloadAll, reconnect, trust, token, videoEncoding, audioCodec, layers, layerHeights, subscribe, subscribeLayer);
    }

    public BotOptions withDownloadAll(Path directory) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                directory, reconnect, trust, token, videoEncoding, audioCodec, layers, layerHeights, subscribe, subscribeLayer);
    }

    public BotOptions withToken(String token) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding, audioCodec, layers, layerHeights, subscribe, subscribeLayer);
    }

    public BotOptions withTrust(RelayTrust trust) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding, audioCodec, layers, layerHeights, subscribe, subscribeLayer);
    }

    /** Sends {@link Codec#OPUS} or {@link Codec#PCM16}, and asks for a mix in it. */
    public BotOptions withAudioCodec(int codec) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding, codec, layers, layerHeights, subscribe, subscribeLayer);
    }

    public BotOptions withVideoEncoding(VideoEncoding encoding) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, encoding, audioCodec, layers, layerHeights, subscribe, subscribeLayer);
    }

    public BotOptions withReconnect(boolean reconnect) {
        return new BotOptions(relay, name, room, video, fps, toneHz, duration, recordAudio, say, shareScreen, uploads,
                downloadAll, reconnect, trust, token, videoEncoding, audioCodec, layers, layerHeights, subscribe, subscribeLayer);
    }
}
