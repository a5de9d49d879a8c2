package chorus.client.call;

import chorus.client.session.ChorusClient;
import chorus.client.session.ClientListener;
import chorus.client.session.Refusals;
import chorus.client.session.VideoFrame;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.control.ControlMessage.AudioLevel;
import chorus.protocol.control.ControlMessage.ChatMessage;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.util.List;

/**
 * The events of one of a call's connections, handed to the parts of the call they concern; the
 * connection they come from is set once it is made, so that the call can tell a lost or moved
 * connection from one it has already left behind.
 */
final class ConnectionEvents implements ClientListener {
    private final Call call;
    private final Participants participants;
    private final SharedScreen screen;
    private final CallChat chat;
    private final CallSubscription subscription;
    private volatile ChorusClient client;
    private volatile String replaced;

    ConnectionEvents(Call call, Participants participants, SharedScreen screen, CallChat chat, CallSubscription subscription) {
        this.call = call;
        this.subscription = subscription;
        this.participants = participants;
        this.screen = screen;
        this.chat = chat;
    }

    void from(ChorusClient connection) {
        client = connection;
    }

    /** The connection these events come from; null while it is being made. */
    ChorusClient client() {
        return client;
    }

    @Override
    public void onRosterChanged(List<ParticipantInfo> now) {
        participants.rosterChanged(now);
        call.changed();
    }

    @Override
    public void onParticipantLeft(ParticipantInfo participant, String reason) {
        participants.left(participant);
    }

    @Override
    public void onVideoFrame(VideoFrame frame) {
        participants.videoFrame(frame);
    }

    @Override
    public void onChat(ChatMessage m) {
        call.changed(); // the room state has it, with its unread count
    }

    @Override
    public void onPresenterChanged(ParticipantInfo now) {
        screen.presenterChanged(now);
    }

    @Override
    public void onScreenFrame(VideoFrame frame) {
        screen.frame(frame, participants.roster());
    }

    @Override
    public void onDominantSpeaker(String participantId, List<String> recent) {
        call.changed(); // the snapshot reads it from the connection
    }

    @Override
    public void onFileOffered(FileInfo file, boolean history) {
        call.changed();
        call.tell(l -> l.onFileOffered(file, history));
    }

    @Override
    public void onAudioLevels(List<AudioLevel> talkers) {
        participants.audioLevels(talkers);
    }

    @Override
    public void onRelayError(String code, String message) {
        if (ErrorCode.REPLACED.wire().equals(code)) {
            replaced = Refusals.explain(code, message); // before the close that follows: the call ends, not reconnects
        }
        chat.relayError(code, message);
        subscription.relayError(code, message);
        call.tell(l -> l.onRelayError(code, message));
    }

    /** Why the relay closed this connection when its identity joined elsewhere, or null. */
    String replaced() {
        return replaced;
    }

    @Override
    public void onConnectionLost(String reason) {
        call.connectionLost(this, reason); // which connection is read on the connector, once it is known
    }

    @Override
    public void onMove(List<String> nodes) {
        if (!nodes.isEmpty()) {
            call.moveRequested(this);
        }
    }
}
