package chorus.client.call;

import chorus.client.session.ChorusClient;
import chorus.client.session.VideoFrame;
import chorus.protocol.control.ControlMessage.AudioLevel;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Everyone in a call as its tiles show them: this participant from its own devices, and the others
 * from the current connection's roster, each with the newest picture received from them (when the
 * call keeps pictures) and whether they speak, from the relay's levels.
 */
final class Participants {
    private final boolean keepPictures;
    private final RemoteVideo remote = new RemoteVideo();
    private final TalkerLevels levels = new TalkerLevels();
    private volatile List<ParticipantInfo> roster = List.of();
    private volatile ParticipantInfo self;

    Participants(boolean keepPictures) {
        this.keepPictures = keepPictures;
    }

    /** A connection joined: its roster, and this participant as it knows them. */
    void joined(ChorusClient client) {
        self = client.self();
        roster = client.roster();
    }

    /** The connection was lost: who speaks is told again by the next one. */
    void connectionLost() {
        levels.clear();
    }

    void rosterChanged(List<ParticipantInfo> now) {
        roster = now;
    }

    void left(ParticipantInfo participant) {
        remote.forget(participant.mediaId());
        levels.forget(participant.mediaId());
    }

    /** On the video receive thread. */
    void videoFrame(VideoFrame frame) {
        if (keepPictures) {
            remote.onFrame(frame);
        }
    }

    void audioLevels(List<AudioLevel> talkers) {
        levels.update(talkers, System.nanoTime());
    }

    /** The current connection's roster, this participant included. */
    List<ParticipantInfo> roster() {
        return roster;
    }

    /** This participant's tile first, then everyone else's, in join order. */
    List<ParticipantView> views(String ownName, LocalMedia local, long now) {
        ParticipantInfo me = self;
        List<ParticipantView> views = new ArrayList<>();
        BufferedImage preview = local.preview();
        views.add(new ParticipantView(me == null ? "" : me.participantId(), ownName, true,
                me == null ? 0 : me.mediaId(), preview, local.framesCaptured(),
                local.cameraOn() && preview != null, local.microphoneLevel(), local.speaking(now),
                me == null ? null : me.layers()));
        for (ParticipantInfo p : roster) {
            if (me != null && p.participantId().equals(me.participantId())) {
                continue;
            }
            RemoteVideo.Latest latest = remote.latest(p.mediaId());
            views.add(new ParticipantView(p.participantId(), p.name(), false, p.mediaId(),
                    latest == null ? null : latest.image(), latest == null ? 0 : latest.frames(),
                    latest != null && latest.active(now), levels.level(p.mediaId(), now), levels.speaking(p.mediaId(), now),
                    p.layers()));
        }
        return List.copyOf(views);
    }
}
