package chorus.client.bot;

import chorus.client.session.ChorusClient;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a bot with {@code --subscribe N} shows: the first N other participants in roster order, each
 * at the asked layer (at most its largest), as a gallery page would. Checked on the bot's timer and
 * sent when it differs from what the current connection was last told: when the roster changes,
 * and again on a new connection (a reconnect or a move), which starts from the relay's default.
 */
final class BotSubscriptions {
    private static final Logger log = LoggerFactory.getLogger(BotSubscriptions.class);

    private final int tiles;
    private final int layer;
    // the bot timer's thread only
    private ChorusClient toldClient;
    private ControlMessage.Subscribe told;

    BotSubscriptions(int tiles, int layer) {
        this.tiles = tiles;
        this.layer = layer;
    }

    /** Sends the subscription {@code client}'s roster calls for, unless it was already told. */
    void refresh(ChorusClient client) {
        if (client == null) {
            return; // between connections
        }
        ControlMessage.Subscribe wanted = forRoster(client.roster(), client.self().participantId());
        if (client == toldClient && wanted.equals(told)) {
            return;
        }
        try {
            client.subscribe(wanted);
            toldClient = client;
            told = wanted;
        } catch (IOException e) {
            log.debug("subscription not sent: {}", e.getMessage()); // the connection is going; the next one is told
        }
    }

    /** The first {@code tiles} others of {@code roster}, each at {@code layer} or its largest. */
    ControlMessage.Subscribe forRoster(List<ParticipantInfo> roster, String self) {
        List<ControlMessage.Source> sources = new ArrayList<>();
        for (ParticipantInfo p : roster) {
            if (sources.size() >= tiles) {
                break;
            }
            if (!p.participantId().equals(self)) {
                sources.add(ControlMessage.Source.camera(p.participantId(), Math.min(layer, p.layerCount() - 1)));
            }
        }
        return new ControlMessage.Subscribe(List.copyOf(sources), null);
    }
}
