package chorus.relay.config;

import com.typesafe.config.Config;
import chorus.relay.media.udp.UdpTransport;
import java.time.Duration;

/**
 * The UDP media sockets ({@code chorus.relay.media}), video loss recovery (its retransmission
 * buffers and keyframe-request coalescing, also {@code chorus.relay.media}) and what one
 * participant may send on them ({@code chorus.relay.limits.media}).
 */
public record MediaConfig(int receiveBufferBytes, int sendBufferBytes, Udp udp, Limits limits, Recovery recovery) {

    /**
     * How the UDP sockets work ({@code chorus.relay.media.udp}): the transport, whether a frame's
     * fragments to one receiver leave as one UDP GSO send, receive threads per port (0: one per
     * core, at most 8), and how long a frame missing fragments at the end of a read batch is held
     * for them.
     */
    public record Udp(UdpTransport transport, boolean gso, int receiveThreads, Duration frameHold) {
        public Udp {
            if (receiveThreads < 0 || receiveThreads > 64) {
                throw new IllegalArgumentException("chorus.relay.media.udp.receive-threads must be 0 (one per core) to 64");
            }
            if (frameHold.isNegative() || frameHold.compareTo(Duration.ofMillis(100)) > 0) {
                throw new IllegalArgumentException("chorus.relay.media.udp.frame-hold must be 0 to 100ms");
            }
        }
    }

    /**
     * A token bucket per participant and port (bytes a second, burst in bytes), and the most
     * challenges one participant's port gets a second; a token bucket per participant for its
     * NACKs (one token per NACK and one per datagram resent) and one for its keyframe requests.
     */
    public record Limits(long videoBytesPerSecond, long videoBurstBytes, long audioBytesPerSecond, long audioBurstBytes,
                         int challengesPerSecond, double nackRate, double nackBurst, double keyframeRequestRate,
                         double keyframeRequestBurst) {
    }

    /**
     * Per sender stream (media id and VIDEO or SCREEN), the datagrams forwarded in the last
     * {@code retransmissionAge}, at most {@code retransmissionDatagrams} and
     * {@code retransmissionBytes} of them; a stream's sender is asked for a keyframe at most once
     * per {@code keyframeRequestInterval}.
     */
    public record Recovery(Duration retransmissionAge, int retransmissionDatagrams, int retransmissionBytes,
                           Duration keyframeRequestInterval) {
    }

    /** @param relay the {@code chorus.relay} section */
    static MediaConfig from(Config relay) {
        Config c = relay.getConfig("media");
        Config l = relay.getConfig("limits.media");
        Config r = c.getConfig("retransmission");
        Config u = c.getConfig("udp");
        return new MediaConfig(c.getInt("receive-buffer-bytes"), c.getInt("send-buffer-bytes"),
                new Udp(UdpTransport.parse(u.getString("transport")), u.getBoolean("gso"), u.getInt("receive-threads"),
                        u.getDuration("frame-hold")),
                new Limits(l.getBytes("video-bytes-per-second"), l.getBytes("video-burst-bytes"),
                        l.getBytes("audio-bytes-per-second"), l.getBytes("audio-burst-bytes"),
                        l.getInt("challenges-per-second"), l.getDouble("nack-rate"), l.getDouble("nack-burst"),
                        l.getDouble("keyframe-request-rate"), l.getDouble("keyframe-request-burst")),
                new Recovery(r.getDuration("max-age"), r.getInt("max-datagrams"), Math.toIntExact(r.getBytes("max-bytes")),
                        c.getDuration("keyframe-request-interval")));
    }
}
