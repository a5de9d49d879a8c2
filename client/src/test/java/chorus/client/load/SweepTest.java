package chorus.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.load.LoadReport.Delivery;
import chorus.client.load.LoadReport.Generator;
import chorus.client.load.LoadReport.Latency;
import chorus.client.load.LoadReport.Machine;
import chorus.client.load.LoadReport.ServerUsage;
import chorus.client.load.LoadReport.SideReport;
import chorus.client.load.LoadReport.Video;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {
    @TempDir
    Path dir;

    @Test
    void stepsDoubleEveryOtherStepFromTwo() {
        assertEquals(List.of(2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64), Sweep.participantSteps(64));
        assertEquals(List.of(2), Sweep.participantSteps(2));
    }

    private static SideReport figures(String server, int n, double loss, Long p99) {
        double out = n * (n - 1) * 30 * 12 * (1 - loss);
        return new SideReport(server, "127.0.0.1:1", n, 5, new Video(1, 1, 1, loss, 1, 1, out, 1),
                new Delivery(1, 1, List.of()), new Latency(1, p99, p99, p99, 1, 0, LatencyHistogram.LIMIT_MICROS),
                null, new ServerUsage(1L, 0.5, 2, 1L, null, 0.5 / out * 1e6),
                new Generator(0.1, 0.1, 0.1, 1L, 1, 0, 0, 0, true, 0, "test", List.of()), null, null, null, null, null);
    }

    @Test
    void aStepWhoseP99IsPastOneHundredMillisecondsIsNotHeld() {
        assertTrue(figures("relay", 8, 0, 99_000L).held(0.01));
        assertFalse(figures("relay", 8, 0, 150_000L).held(0.01), "no loss, but p99 150 ms: falling behind");
        assertFalse(figures("relay", 8, 0, null).held(0.01), "no latency samples at all");
    }

    private static Sweep.Side side(String server, int lastHeld, int failed, long baseMicros) {
        List<Sweep.Step> steps = new ArrayList<>();
        for (int n : Sweep.participantSteps(failed)) {
            boolean held = n <= lastHeld;
            steps.add(new Sweep.Step(n, held, held ? null : "loss", figures(server, n, held ? 0 : 0.2,
                    n == failed && failed > 16 ? null : baseMicros * n)));
        }
        return new Sweep.Side(server, lastHeld, "loss", steps);
    }

    @Test
    void theReportAndPlotNameTheLargestNEachSideHeld() throws Exception {
        Machine machine = new Machine(2, "Test CPU", "OpenJDK 17", "Linux", "2026-01-01T00:00:00Z", 0.5);
        LoadSpec spec = new LoadSpec(1, 2, 30, MediaClip.syntheticVideo(14_208), null, Duration.ofSeconds(2), Duration.ofSeconds(5), null);
        Sweep.Report report = Sweep.report(machine, spec, Sweep.participantSteps(128), List.of("-Xmx1g"),
                side("relay", 8, 12, 300), side("baseline", 16, 24, 120), side("baseline-gso", 32, 48, 60));
        assertEquals(0.5, report.largestNRatio());
        assertEquals(0.25, report.largestNRatioGso());
        String table = report.table();
        assertTrue(table.contains("relay 8, baseline 16, baseline-gso 32"), table);
        assertTrue(table.contains("µs/dg out"), "CPU per datagram out has its column: " + table);

        Path png = dir.resolve("sweep.png");
        SweepPlot.write(report, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1800, image.getWidth());
        assertTrue(hasColour(image, new java.awt.Color(44, 160, 44)), "the GSO raw forwarder is drawn");
        report.write(dir.resolve("sweep.json"));
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("sweep.json").toFile());
        assertEquals(16, json.path("baseline").path("largestNHeld").asInt(), "the plain baseline keeps its key");
        assertEquals(32, json.path("baselineGso").path("largestNHeld").asInt());
        assertTrue(json.path("relay").path("steps").get(0).path("figures").path("serverUsage")
                .path("cpuMicrosPerDatagramOut").isNumber());
    }

    @Test
    void aSweepWithoutThePlainBaselineStillTabulatesAndPlots() throws Exception {
        Machine machine = new Machine(2, "Test CPU", "OpenJDK 17", "Linux", "2026-01-01T00:00:00Z", 0.5);
        LoadSpec spec = new LoadSpec(1, 2, 30, MediaClip.syntheticVideo(14_208), null, Duration.ofSeconds(2), Duration.ofSeconds(5), null);
        Sweep.Report report = Sweep.report(machine, spec, Sweep.participantSteps(128), List.of("-Xmx1g"),
                side("relay", 8, 12, 300), null, side("baseline-gso", 16, 24, 60));
        assertTrue(report.table().contains("relay 8, baseline-gso 16"), report.table());
        BufferedImage image = SweepPlot.render(report);
        assertFalse(hasColour(image, new java.awt.Color(230, 120, 20)), "no plain baseline drawn");
    }

    private static boolean hasColour(BufferedImage image, java.awt.Color colour) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (colour.getRGB() & 0xFFFFFF)) {
                    return true;
                }
            }
        }
        return false;
    }
}
