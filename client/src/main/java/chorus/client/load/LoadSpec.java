package chorus.client.load;

import chorus.client.impairment.Impairment;
import chorus.client.media.TestPattern;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/**
 * The load one run offers: {@code rooms} rooms of {@code participants} each, every participant
 * sending the {@code video} clip's frames at {@code videoFps} in a loop (and, with {@code audioLoad},
 * a 20 ms audio frame every 20 ms: its talkers a tone, the others silence), warmed up for
 * {@code warmUp} and then measured for {@code duration}; with {@code impairment} (else null), every
 * participant's media passes impairment proxies both ways. Only the first {@code videoSenders}
 * of each room send video (a webinar: one presenter, many viewers); every participant receives.
 * With {@code simulcast} (else empty: one layer, the {@code video} clip, as before simulcast) each
 * video sender sends those layers, smallest first, and announces their heights in its hello.
 * With {@code subscriptions} (else null: all-to-all, the relay's default) each receiver subscribes
 * as the plan says once everyone has joined.
 */
record LoadSpec(int rooms, int participants, int videoFps, MediaClip video, AudioLoad audioLoad,
                Duration warmUp, Duration duration, Impairment impairment, int videoSenders, List<VideoLayer> simulcast,
                SubscriptionPlan subscriptions) {
    /** Largest frame accepted: the relay's receivers reassemble video frames of up to 8 MiB. */
    public static final int MAX_FRAME_BYTES = 8 << 20;
    public static final int MAX_FPS = 240;

    /**
     * Audio of a run: the first {@code talkersPerRoom} participants of each room send a tone, talker
     * k the clip {@code talking[min(k, size - 1)]} (each quieter than the one before, so the relay's
     * dominant speaker is talker 0 and the recent speakers come in talker order); the others send
     * {@code silent}.
     */
    record AudioLoad(List<MediaClip> talking, MediaClip silent, int talkersPerRoom) {
        AudioLoad {
            if (talking.isEmpty()) {
                throw new IllegalArgumentException("audio needs at least one talking clip");
            }
            talking = List.copyOf(talking);
        }

        MediaClip clipFor(int indexInRoom) {
            return indexInRoom < talkersPerRoom ? talking.get(Math.min(indexInRoom, talking.size() - 1)) : silent;
        }
    }

    /**
     * One simulcast layer: its clip at {@code fps} (at most the run's), {@code height} lines tall
     * (null: one layer of a size the hello does not say).
     */
    record VideoLayer(Integer height, int fps, MediaClip clip) {
    }

    /** Every participant sends one layer of video, as before --video-senders and --layers. */
    LoadSpec(int rooms, int participants, int videoFps, MediaClip video, AudioLoad audioLoad,
             Duration warmUp, Duration duration, Impairment impairment) {
        this(rooms, participants, videoFps, video, audioLoad, warmUp, duration, impairment, participants, List.of(),
                null);
    }

    /** @throws IllegalArgumentException with a message fit for a usage error */
    public LoadSpec {
        if (rooms < 1) {
            throw new IllegalArgumentException("--rooms must be at least 1, was " + rooms);
        }
        if (participants < 2) {
            throw new IllegalArgumentException("--participants must be at least 2 (nobody receives their own video), was "
                    + participants);
        }
        if (videoFps < 1 || videoFps > MAX_FPS) {
            throw new IllegalArgumentException("--video-fps must be 1.." + MAX_FPS + ", was " + videoFps);
        }
        if (warmUp == null || warmUp.isNegative()) {
            throw new IllegalArgumentException("--warmup must not be negative");
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be a positive number of seconds");
        }
        simulcast = List.copyOf(simulcast);
        if (simulcast.size() == 1 || simulcast.size() > chorus.protocol.media.MediaHeader.MAX_LAYERS) {
            throw new IllegalArgumentException("simulcast is 2.." + chorus.protocol.media.MediaHeader.MAX_LAYERS
                    + " layers (none: one layer)");
        }
        if (subscriptions != null) {
            subscriptions.checkLayers(simulcast.isEmpty() ? 1 : simulcast.size());
        }
        if (videoSenders < 1 || videoSenders > participants) {
            throw new IllegalArgumentException("--video-senders must be 1..--participants (" + participants + "), was "
                    + videoSenders);
        }
    }

    /** Whether the participant at {@code indexInRoom} (join order) sends video. */
    boolean sendsVideo(int indexInRoom) {
        return indexInRoom < videoSenders;
    }

    /** Checks a synthetic frame size given with --frame-bytes. */
    static void checkFrameBytes(int frameBytes) {
        if (frameBytes < 1 || frameBytes > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("--frame-bytes must be 1.." + MAX_FRAME_BYTES + ", was " + frameBytes);
        }
    }

    /** The same load with {@code n} per room, all sending video (a sweep raises N; it has no webinar form). */
    public LoadSpec withParticipants(int n) {
        return new LoadSpec(rooms, n, videoFps, video, audioLoad, warmUp, duration, impairment, n, simulcast,
                subscriptions);
    }

    /** The layers each video sender sends, smallest first: the simulcast layers, or the one clip. */
    List<VideoLayer> videoLayers() {
        return simulcast.isEmpty() ? List.of(new VideoLayer(null, videoFps, video)) : simulcast;
    }

    /** What the hello announces: the layers' heights, or null for one layer. */
    List<Integer> layerHeights() {
        return simulcast.isEmpty() ? null : simulcast.stream().map(VideoLayer::height).toList();
    }

    public boolean audio() {
        return audioLoad != null;
    }

    /** Mean bytes of one video frame of the clip, rounded. */
    public int frameBytes() {
        return (int) Math.round(video.meanFrameBytes());
    }

    public int totalParticipants() {
        return rooms * participants;
    }

    /** The size of one 640x480 test-pattern frame as JPEG: what a bot with {@code --video-codec jpeg} sends. */
    public static int testPatternFrameBytes() {
        try {
            return new TestPattern("Chorus", 30).jpeg(0).length;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the test pattern", e);
        }
    }
}
