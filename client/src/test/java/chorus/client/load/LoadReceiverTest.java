package chorus.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.load.LoadReport.SideReport;
import chorus.client.session.RelayAddress;
import chorus.relay.baseline.RawForwarder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both receivers (Netty epoll with recvmmsg, and the NIO selector it falls back to) against a
 * raw forwarder in this JVM over loopback: every datagram the senders sent is counted delivered,
 * and the run reports the generator's own CPU.
 */
class LoadReceiverTest {
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    @Timeout(60)
    void everyForwardedDatagramIsCountedAndTheGeneratorsCpuReported(String receiver) throws Exception {
        String before = System.getProperty(LoadSockets.RECEIVER_PROPERTY);
        System.setProperty(LoadSockets.RECEIVER_PROPERTY, receiver);
        RawForwarder forwarder = new RawForwarder();
        new picocli.CommandLine(forwarder).parseArgs("--host", "127.0.0.1");
        try (RawForwarder f = forwarder.start()) {
            LoadSpec spec = new LoadSpec(1, 3, 15, MediaClip.syntheticVideo(3_000), null, Duration.ofMillis(500),
                    Duration.ofSeconds(1), null);
            LoadTest.Target target = new LoadTest.Target("baseline",
                    List.of(new LoadTest.Node(new RelayAddress("127.0.0.1", f.controlPort()), null)), false);
            SideReport report = LoadTest.run(spec, target, "receiver-" + receiver);
            assertTrue(report.video().expected() > 0, "the senders sent in the window: " + report.video());
            assertEquals(report.video().expected(), report.video().delivered(), "every datagram counted: " + report.video());
            assertEquals(0, report.generator().ignoredDatagrams());
            assertTrue(report.generator().receiving().toLowerCase(java.util.Locale.ROOT).contains(receiver),
                    report.generator().receiving());
            assertTrue(report.generator().cpuCores() > 0, "the generator's CPU: " + report.generator());
            assertTrue(report.generator().receiverThreadCpu() > 0, "its receiving thread's: " + report.generator());
        } finally {
            if (before == null) {
                System.clearProperty(LoadSockets.RECEIVER_PROPERTY);
            } else {
                System.setProperty(LoadSockets.RECEIVER_PROPERTY, before);
            }
        }
    }
}
