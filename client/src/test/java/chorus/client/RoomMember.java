package chorus.client;

import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.call.Call;
import chorus.client.call.CallOptions;
import chorus.client.call.CallState;
import chorus.client.device.TestSources;
import chorus.client.session.ChorusClient;
import chorus.client.session.ConnectionState;
import chorus.client.session.RelayAddress;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One participant of the cluster tests, seen the same way whether it is a {@link Call} (what the
 * desktop app runs) or a {@link Bot} (the headless tool): both send the test pattern and a tone,
 * both must come back by themselves when their relay node dies or drains.
 */
interface RoomMember extends AutoCloseable {
    String name();

    /** The current connection (a new one after coming back), or null between connections. */
    ChorusClient connection();

    /** Joined on a connection other than {@code before}. */
    default boolean joinedOtherThan(ChorusClient before) {
        ChorusClient now = connection();
        return now != null && now != before && joined();
    }

    boolean joined();

    /** The others in the room as this member sees them: participant id to media id. */
    default Map<String, Integer> others() {
        ChorusClient c = connection();
        Map<String, Integer> others = new HashMap<>();
        if (c != null) {
            for (ParticipantInfo p : c.roster()) {
                if (!p.participantId().equals(c.welcome().participantId())) {
                    others.put(p.participantId(), p.mediaId());
                }
            }
        }
        return others;
    }

    /** Complete video frames received so far, by sender name. */
    Map<String, Long> videoFramesFrom();

    Set<String> chatTexts();

    void sendChat(String text);

    @Override
    void close();

    /** A Call with the test pattern as its camera and a tone as its microphone. */
    static RoomMember call(RelayAddress relay, String name, String room, double toneHz) {
        Call call = Call.start(CallOptions.of(relay, name, room)
                .withReconnect(Duration.ofMillis(200), Duration.ofSeconds(1)), null);
        call.useCamera(TestSources.pattern(name, 15));
        call.useMicrophone(TestSources.tone(toneHz));
        call.setCameraOn(true);
        call.setMuted(false);
        return new CallMember(call);
    }

    /** A bot; it follows a drain's move either way, and with {@code reconnect} comes back when its connection is lost. */
    static RoomMember bot(RelayAddress relay, String name, String room, double toneHz, boolean reconnect) throws Exception {
        return new BotMember(Bot.start(BotOptions.of(relay, name, room).withFps(10).withTone(toneHz).withReconnect(reconnect)));
    }

    record CallMember(Call call) implements RoomMember {
        @Override
        public String name() {
            return call.options().name();
        }

        @Override
        public ChorusClient connection() {
            return call.client();
        }

        @Override
        public boolean joined() {
            return call.state() == CallState.JOINED;
        }

        @Override
        public Map<String, Long> videoFramesFrom() {
            Map<String, Long> frames = new HashMap<>();
            call.snapshot().others().forEach(p -> frames.put(p.name(), p.videoFrames()));
            return frames;
        }

        @Override
        public Set<String> chatTexts() {
            Set<String> texts = new HashSet<>();
            call.snapshot().chat().forEach(l -> texts.add(l.text()));
            return texts;
        }

        @Override
        public void sendChat(String text) {
            call.sendChat(text);
        }

        @Override
        public void close() {
            call.close();
        }
    }

    record BotMember(Bot bot) implements RoomMember {
        @Override
        public String name() {
            return bot.snapshot().name();
        }

        @Override
        public ChorusClient connection() {
            return bot.client();
        }

        @Override
        public boolean joined() {
            ChorusClient c = bot.client();
            return !bot.ended() && c != null && c.snapshot().state() == ConnectionState.JOINED;
        }

        @Override
        public Map<String, Long> videoFramesFrom() {
            return bot.snapshot().framesReceivedFrom();
        }

        @Override
        public Set<String> chatTexts() {
            return new HashSet<>(bot.snapshot().chatTexts());
        }

        @Override
        public void sendChat(String text) {
            bot.say(text);
        }

        @Override
        public void close() {
            bot.stop();
        }
    }
}
