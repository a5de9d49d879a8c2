package chorus.client.load;

import chorus.client.load.Sweep.Report;
import chorus.client.load.Sweep.Side;
import chorus.client.load.Sweep.Step;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * Draws a sweep as a PNG: video datagrams/s out, p99 latency and the server's CPU per datagram
 * out against participants per room, the relay and each raw forwarder swept (plain sends, GSO
 * sends) as labelled lines. N is on a log₂ axis so the steps are evenly spaced. Steps a side did
 * not hold are drawn hollow.
 */
final class SweepPlot {
    private static final int WIDTH = 1800;
    private static final int HEIGHT = 620;
    private static final int TOP = 130;
    private static final int BOTTOM = 100;
    private static final int LEFT = 90;
    private static final int GAP = 110;
    private static final int RIGHT = 30;
    private static final Color RELAY = new Color(31, 119, 180);
    private static final Color BASELINE = new Color(230, 120, 20);
    private static final Color BASELINE_GSO = new Color(44, 160, 44);
    private static final Color GRID = new Color(225, 225, 225);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 20);
    private static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font PANEL_TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);

    private SweepPlot() {
    }

    static void write(Report report, Path file) throws IOException {
        ImageIO.write(render(report), "png", file.toFile());
    }

    static BufferedImage render(Report report) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            title(g, report);
            int panelWidth = (WIDTH - LEFT - 2 * GAP - RIGHT) / 3;
            int panelHeight = HEIGHT - TOP - BOTTOM;
            List<Integer> ns = new ArrayList<>();
            for (Side side : report.sides()) {
                for (Step s : side.steps()) {
                    if (s.figures() != null && !ns.contains(s.participants())) {
                        ns.add(s.participants());
                    }
                }
            }
            ns.sort(null);
            panel(g, LEFT, TOP, panelWidth, panelHeight, "Video datagrams/s out (received by all participants)",
                    "datagrams/s", ns, report, s -> s.figures().video().packetsOutPerSecond());
            panel(g, LEFT + panelWidth + GAP, TOP, panelWidth, panelHeight, "p99 one-way latency (ms; ▲ = past 100 ms)",
                    "ms", ns, report, s -> {
                        Long p99 = s.figures().latency().p99Micros();
                        return p99 == null || p99 >= LatencyHistogram.LIMIT_MICROS ? null : p99 / 1000.0;
                    });
            panel(g, LEFT + 2 * (panelWidth + GAP), TOP, panelWidth, panelHeight,
                    "Server CPU per datagram out (µs)", "µs", ns, report,
                    s -> s.figures().serverUsage().cpuMicrosPerDatagramOut());
            legend(g, report, HEIGHT - 22);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void title(Graphics2D g, Report r) {
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        Sweep.Load l = r.load();
        g.drawString(String.format(Locale.ROOT, "Chorus load sweep: relay vs raw forwarders, %d room%s, %d fps x %,d-byte frames%s",
                l.rooms(), l.rooms() == 1 ? "" : "s", l.videoFps(), l.frameBytes(), l.audio() ? " + audio" : ""), LEFT, 32);
        g.setFont(SUBTITLE);
        g.drawString(r.machine().oneLine() + "  —  " + r.machine().date(), LEFT, 56);
        if (l.serverJvmOptions() != null) {
            g.drawString("Servers' JVM options: " + String.join(" ", l.serverJvmOptions()), LEFT, 78);
        }
        StringBuilder held = new StringBuilder();
        for (Side side : r.sides()) {
            held.append(held.length() == 0 ? "" : ", ").append(side.server()).append(' ').append(held(side));
        }
        g.drawString(String.format(Locale.ROOT,
                "Largest N held (loss ≤ %.0f%%, %.0f s per step): %s.  Hollow points: step not held.",
                l.lossLimit() * 100, l.stepDurationSeconds(), held), LEFT, 100);
    }

    private static String held(Side side) {
        return side.largestNHeld() == null ? "none" : side.largestNHeld().toString();
    }

    private static void panel(Graphics2D g, int x, int y, int w, int h, String title, String unit, List<Integer> ns,
                              Report report, Function<Step, Double> value) {
        double max = 0;
        for (Side side : report.sides()) {
            for (Step s : side.steps()) {
                Double v = s.figures() == null ? null : value.apply(s);
                if (v != null) {
                    max = Math.max(max, v);
                }
            }
        }
        double step = niceStep(max <= 0 ? 1 : max / 5);
        double top = Math.max(step, Math.ceil(max / step) * step);
        double lo = ns.isEmpty() ? 1 : log2(ns.get(0));
        double hi = ns.isEmpty() ? 2 : log2(ns.get(ns.size() - 1));
        if (hi - lo < 1e-9) {
            lo -= 0.5;
            hi += 0.5;
        }
        double pad = (hi - lo) * 0.05;
        double xLo = lo - pad;
        double xHi = hi + pad;
        Axis xAxis = v -> x + (int) Math.round((log2(v) - xLo) / (xHi - xLo) * w);
        Axis yAxis = v -> y + h - (int) Math.round(v / top * h);

        g.setStroke(new BasicStroke(1f));
        g.setFont(PANEL_TITLE);
        g.setColor(Color.BLACK);
        g.drawString(title, x, y - 10);

        // grid and y ticks
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        for (double v = 0; v <= top + step / 2; v += step) {
            int py = yAxis.at(v);
            g.setColor(GRID);
            g.drawLine(x, py, x + w, py);
            g.setColor(Color.BLACK);
            g.drawLine(x - 5, py, x, py);
            String label = tick(v, step);
            g.drawString(label, x - 8 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        // x ticks at the steps
        for (int n : ns) {
            int px = xAxis.at(n);
            g.setColor(GRID);
            g.drawLine(px, y, px, y + h);
            g.setColor(Color.BLACK);
            g.drawLine(px, y + h, px, y + h + 5);
            String label = Integer.toString(n);
            g.drawString(label, px - fm.stringWidth(label) / 2, y + h + 20);
        }
        g.setColor(Color.BLACK);
        g.drawRect(x, y, w, h);
        String xLabel = "participants per room (N, log scale)";
        g.drawString(xLabel, x + (w - fm.stringWidth(xLabel)) / 2, y + h + 42);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(unit, -(y + h / 2 + fm.stringWidth(unit) / 2), x - 62);
        rotated.dispose();

        // The baselines wide underneath, the relay narrow on top: where they coincide all still show.
        if (report.baseline() != null) {
            series(g, report.baseline(), BASELINE, 6f, 8, xAxis, yAxis, y + 28, value);
        }
        if (report.baselineGso() != null) {
            series(g, report.baselineGso(), BASELINE_GSO, 4f, 6, xAxis, yAxis, y + 14, value);
        }
        series(g, report.relay(), RELAY, 2f, 4, xAxis, yAxis, y, value);
    }

    /**
     * A line through the steps that have a value; a step that ran but has none (latency past
     * 100 ms) is a triangle at {@code arrowY}.
     */
    private static void series(Graphics2D g, Side side, Color color, float width, int radius, Axis xAxis, Axis yAxis,
                               int arrowY, Function<Step, Double> value) {
        Stroke old = g.getStroke();
        g.setColor(color);
        g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Path2D line = new Path2D.Double();
        boolean started = false;
        for (Step s : side.steps()) {
            Double v = s.figures() == null ? null : value.apply(s);
            if (v == null) {
                started = false; // a gap where the value is unknown (latency past 100 ms)
                continue;
            }
            int px = xAxis.at(s.participants());
            int py = yAxis.at(v);
            if (started) {
                line.lineTo(px, py);
            } else {
                line.moveTo(px, py);
                started = true;
            }
        }
        g.draw(line);
        g.setStroke(new BasicStroke(2f));
        for (Step s : side.steps()) {
            if (s.figures() == null) {
                continue;
            }
            Double v = value.apply(s);
            if (v == null) {
                int px = xAxis.at(s.participants());
                Path2D arrow = new Path2D.Double();
                arrow.moveTo(px, arrowY + 4);
                arrow.lineTo(px - 6, arrowY + 14);
                arrow.lineTo(px + 6, arrowY + 14);
                arrow.closePath();
                g.setColor(color);
                g.fill(arrow);
                continue;
            }
            Ellipse2D dot = new Ellipse2D.Double(xAxis.at(s.participants()) - radius, yAxis.at(v) - radius,
                    2 * radius, 2 * radius);
            g.setColor(s.held() ? color : Color.WHITE);
            g.fill(dot);
            g.setColor(color);
            g.draw(dot);
        }
        g.setStroke(old);
    }

    /** One legend for all panels, centred under them (inside a panel it would hide points). */
    private static void legend(Graphics2D g, Report report, int baseline) {
        Stroke old = g.getStroke();
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        List<String> labelList = new ArrayList<>(List.of("relay"));
        List<Color> colorList = new ArrayList<>(List.of(RELAY));
        List<Float> widthList = new ArrayList<>(List.of(2f));
        if (report.baseline() != null) {
            labelList.add("raw forwarder, plain sends (baseline)");
            colorList.add(BASELINE);
            widthList.add(6f);
        }
        if (report.baselineGso() != null) {
            labelList.add("raw forwarder, UDP GSO sends (baseline-gso)");
            colorList.add(BASELINE_GSO);
            widthList.add(4f);
        }
        String[] labels = labelList.toArray(String[]::new);
        Color[] colors = colorList.toArray(Color[]::new);
        float[] widths = new float[widthList.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = widthList.get(i);
        }
        int gap = 40;
        int total = -gap;
        for (String l : labels) {
            total += 36 + fm.stringWidth(l) + gap;
        }
        int x = (WIDTH - total) / 2;
        for (int i = 0; i < labels.length; i++) {
            g.setColor(colors[i]);
            g.setStroke(new BasicStroke(widths[i]));
            g.drawLine(x, baseline - 4, x + 28, baseline - 4);
            g.fill(new Ellipse2D.Double(x + 14 - 4, baseline - 8, 8, 8));
            g.setColor(Color.BLACK);
            g.drawString(labels[i], x + 36, baseline);
            x += 36 + fm.stringWidth(labels[i]) + gap;
        }
        g.setStroke(old);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * magnitude >= raw) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String tick(double v, double step) {
        if (step >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (step >= 1) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        int decimals = (int) Math.ceil(-Math.log10(step));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    @FunctionalInterface
    private interface Axis {
        int at(double value);
    }
}
