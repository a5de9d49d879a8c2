package chorus.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading a relay node's forwarded-video counter out of its Prometheus text. */
class RelayMetricsTest {
    private static final String TEXT = """
            # HELP chorus_video_forwarded_datagrams_total Video datagrams forwarded, by layer.
            # TYPE chorus_video_forwarded_datagrams_total counter
            chorus_video_forwarded_datagrams_total{layer="0",to="client"} 120.0
            chorus_video_forwarded_datagrams_total{layer="0",to="node"} 30.0
            chorus_video_forwarded_datagrams_total{layer="2"} 5.0E3
            chorus_video_forwarded_datagrams_total_created{layer="0"} 1.7E9
            chorus_media_drops_total{reason="bad-tag"} 7.0
            """;

    @Test
    void samplesAreSummedByLayerAndOtherMetricsIgnored() {
        assertEquals(Map.of("0", 150.0, "2", 5000.0), RelayMetrics.sumByLayer(TEXT, RelayMetrics.FORWARDED));
    }

    @Test
    void aRelayThatDoesNotExportTheCounterGivesNone() {
        assertNull(RelayMetrics.sumByLayer("chorus_media_drops_total 3\n", RelayMetrics.FORWARDED));
        assertNull(RelayMetrics.scrape(-1));
    }

    @Test
    void howTheRelaySentIsReadByKeyAndItsGrowthOverTheWindow() {
        String text = """
                chorus_media_frames_sent_total{how="whole"} 90.0
                chorus_media_frames_sent_total{how="split"} 10.0
                chorus_media_frames_sent_early_total 4.0
                chorus_media_segmented_sends_total 120.0
                chorus_media_segmented_datagrams_total 1200.0
                """;
        Map<String, Double> after = RelayMetrics.udpSends(text);
        assertEquals(Map.of("framesWhole", 90.0, "framesSplit", 10.0, "framesSentEarly", 4.0, "segmentedSends", 120.0,
                "segmentedDatagrams", 1200.0), after);
        Map<String, Double> grown = RelayMetrics.growth(Map.of("framesWhole", 40.0, "framesSplit", 10.0), after);
        assertEquals(50.0, grown.get("framesWhole"));
        assertEquals(0.0, grown.get("framesSplit"));
        LoadReport.NodeReport node = new LoadReport.NodeReport(0, "x", null, 1, 0, 0, 0, 0, null, null, null, null, grown);
        assertEquals(1.0, node.framesSentWholeShare(), "50 whole of 50 in the window");
        assertNull(RelayMetrics.udpSends(TEXT), "a relay without the counters gives none");
    }

    @Test
    void theRateIsTheDifferencePerSecondLayerByLayer() {
        assertEquals(Map.of("0", 15.0, "2", 50.0), RelayMetrics.ratePerSecond(Map.of("0", 120.0, "2", 100.0),
                Map.of("0", 150.0, "2", 200.0), 2));
        assertNull(RelayMetrics.ratePerSecond(null, Map.of("0", 1.0), 2));
    }
}
