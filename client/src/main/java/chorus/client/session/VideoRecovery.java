package chorus.client.session;

/**
 * What a client's video loss recovery did: NACK datagrams sent, datagrams that arrived after they
 * were NACKed, keyframe requests sent for others' streams and received (from the relay) for its own,
 * and its own datagrams sent again because the relay NACKed them.
 */
public record VideoRecovery(long nacksSent, long retransmissionsReceived, long keyframeRequestsSent,
                            long keyframeRequestsReceived, long retransmissionsSent) {
    public static final VideoRecovery NONE = new VideoRecovery(0, 0, 0, 0, 0);

    /** Both counts added (a client that came back on a new connection). */
    public VideoRecovery plus(VideoRecovery other) {
        return new VideoRecovery(nacksSent + other.nacksSent, retransmissionsReceived + other.retransmissionsReceived,
                keyframeRequestsSent + other.keyframeRequestsSent,
                keyframeRequestsReceived + other.keyframeRequestsReceived,
                retransmissionsSent + other.retransmissionsSent);
    }
}
