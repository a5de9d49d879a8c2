package chorus.relay;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ChatMessage;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.relay.cluster.NodeDirectory;
import chorus.relay.room.RoomEntity;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every message and replicated value that crosses between nodes survives jackson-cbor. */
class ClusterMessagesTest {
    private static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString(
            "pekko.actor.provider = cluster\npekko.remote.artery.canonical.port = 0\n")
            .withFallback(ConfigFactory.parseResources("chorus-cluster.conf"))
            .withFallback(ConfigFactory.load()).resolve());

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void everyNodeToNodeMessageSerializes() {
        TestProbe<RoomEntity.Event> room = testKit.createTestProbe();
        ParticipantInfo ada = new ParticipantInfo("p-1", "Ada", 65537);
        RoomEntity.Home home = new RoomEntity.Home("pekko://chorus@127.0.0.1:25520", "127.0.0.1", 5000, 5001, room.getRef());
        RoomEntity.Member member = new RoomEntity.Member(ada, home, "ada@example.org");
        ChatMessage chat = new ChatMessage(7, "p-1", "Ada", "hi", 123L, false);
        FileInfo file = new FileInfo("0b409b52-d9ad-48f1-8e25-e06196817d29", "a.txt", 3, "abc", "p-1", "Ada", 5L);
        var kit = testKit.serializationTestKit();
        for (Object m : List.of(
                new RoomEntity.Join(member),
                new RoomEntity.Leave("p-1", 65537, "leave"),
                new NodeDirectory.Endpoints("10.0.0.2", 5015, 5016, "sha256:" + "ab".repeat(32)),
                new RoomEntity.Sync(home, List.of(ada)),
                new RoomEntity.Chat(ada, "hi", "6c1e/1", room.getRef()),
                new RoomEntity.ScreenShare(ada, true, room.getRef()),
                new RoomEntity.FileAdded(file, room.getRef()),
                new RoomEntity.MemberEntry(member),
                new RoomEntity.ChatEntry(chat, "6c1e/1"),
                new RoomEntity.ChatAccepted("6c1e/1"),
                new RoomEntity.RoomExpired("standup"),
                new RoomEntity.FileAccepted(file.fileId()),
                new RoomEntity.FileEntry(file),
                new RoomEntity.Admitted("p-1", List.of(member), List.of(chat), List.of(file), ada),
                new RoomEntity.Admitted("p-1", List.of(member), List.of(), List.of(), null),
                new RoomEntity.MemberJoined(member),
                new RoomEntity.MemberLeft(ada, "node lost"),
                new RoomEntity.Deliver(chat),
                new RoomEntity.Deliver(new ControlMessage.PresenterChanged(null)),
                new RoomEntity.DeliverTo(65537, new ControlMessage.FileOffered(file, false)))) {
            kit.verifySerialization(m, true);
        }
    }
}
