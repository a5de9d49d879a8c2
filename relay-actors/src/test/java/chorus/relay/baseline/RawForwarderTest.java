package chorus.relay.baseline;

import chorus.protocol.media.MediaHeader;
import chorus.relay.RawClient;
import chorus.relay.Udp;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The raw forwarder over real sockets on loopback: every member but the sender gets each frame, byte for byte. */
class RawForwarderTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static RawForwarder start(RawForwarder.Send send) throws Exception {
        RawForwarder f = new RawForwarder();
        new CommandLine(f).parseArgs("--host", "127.0.0.1", "--send", send.name());
        return f.start();
    }

    @ParameterizedTest
    @EnumSource(RawForwarder.Send.class)
    void everyOtherMemberGetsEachFrameByteForByte(RawForwarder.Send send) throws Exception {
        try (RawForwarder f = start(send);
             RawClient a = join(f, "a");
             RawClient b = join(f, "b");
             RawClient c = join(f, "c")) {
            Random random = new Random(15);
            // 12 full fragments and a shorter last one; then a frame of one fragment; then 3 full ones
            for (int size : new int[] {12 * MediaHeader.MAX_PAYLOAD + 300, 700, 3 * MediaHeader.MAX_PAYLOAD}) {
                byte[] frame = new byte[size];
                random.nextBytes(frame);
                int datagrams = a.sendVideo(a.videoFragmenter(), frame);
                for (RawClient r : List.of(b, c)) {
                    assertArrayEquals(frame, receiveFrame(r, datagrams), r.welcome.participantId() + " got the frame");
                }
            }
        }
    }

    @Test
    void aFrameReadInOneBatchGoesToEachReceiverAsOneSegmentedSend() throws Exception {
        try (RawForwarder f = start(RawForwarder.Send.gso);
             RawClient a = join(f, "a");
             RawClient b = join(f, "b");
             RawClient c = join(f, "c")) {
            GsoPath path = (GsoPath) f.media();
            long segmentedBefore = path.sendCounts()[1];
            // hold the video port's event loop while the frame is sent, so that it is read in one batch
            CountDownLatch sent = new CountDownLatch(1);
            CountDownLatch held = new CountDownLatch(1);
            path.channel(0).eventLoop().execute(() -> {
                held.countDown();
                try {
                    sent.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(held.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            byte[] frame = new byte[12 * MediaHeader.MAX_PAYLOAD + 300];
            new Random(16).nextBytes(frame);
            int datagrams = a.sendVideo(a.videoFragmenter(), frame);
            sent.countDown();
            for (RawClient r : List.of(b, c)) {
                assertArrayEquals(frame, receiveFrame(r, datagrams), r.welcome.participantId() + " got the frame");
            }
            // two receivers: each got its 13 datagrams in one send (12 of 1,256 bytes and a shorter last one)
            assertEquals(2, path.sendCounts()[1] - segmentedBefore, "segmented sends");
        }
    }

    private static RawClient join(RawForwarder f, String name) throws Exception {
        RawClient c = RawClient.join(new InetSocketAddress("127.0.0.1", f.controlPort()), "room", name);
        c.openMedia();
        return c;
    }

    /** {@code datagrams} video datagrams from the forwarder, opened with the receiver's key, their payloads in fragment order. */
    private static byte[] receiveFrame(RawClient r, int datagrams) throws Exception {
        byte[][] parts = new byte[datagrams][];
        for (int i = 0; i < datagrams; i++) {
            ByteBuffer got = Udp.receive(r.video, WAIT);
            assertNotNull(got, "datagram " + i + " of " + datagrams);
            ByteBuffer clear = r.openVideo(got);
            assertNotNull(clear, "datagram " + i + " opens with the receiver's key");
            int index = MediaHeader.fragmentIndex(clear, 0);
            assertEquals(datagrams, MediaHeader.fragmentCount(clear, 0));
            byte[] payload = new byte[MediaHeader.payloadLength(clear, 0)];
            clear.get(MediaHeader.HEADER_LENGTH, payload);
            parts[index] = payload;
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            assertNotNull(p, "every fragment once");
            frame.write(p);
        }
        return frame.toByteArray();
    }
}
