package dev.ballast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * Draws docs/benchmarks/throughput.png from a {@code ballast bench --report json} file: the learner alone's
 * events/s against model size (features x labels, log-log) per batch size, with Ballast end to end and the
 * pass-through ceiling as horizontal lines. A tool run by hand, not a test:
 * <pre>
 * ./ballast bench --report json > bench.json
 * java -cp streams-app/target/test-classes:streams-app/target/classes:$(cat streams-app/target/classpath.txt) \
 *     dev.ballast.bench.ThroughputPlot bench.json docs/benchmarks/throughput.png
 * </pre>
 */
public final class ThroughputPlot {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int LEFT = 90;
    private static final int RIGHT = 250;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    private static final Color[] SERIES = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd)};

    private ThroughputPlot() {
    }

    public static void main(String[] args) throws IOException {
        JsonNode report = new ObjectMapper().readTree(new File(args[0]));
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);

        double minX = 1e2;
        double maxX = 1e6;
        double minY = 1e2;
        double maxY = 1e7;
        Axes axes = new Axes(minX, maxX, minY, maxY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double decade = minX; decade <= maxX; decade *= 10) {
            int x = axes.x(decade);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(x, TOP, x, HEIGHT - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label(decade), x - 12, HEIGHT - BOTTOM + 18);
        }
        for (double decade = minY; decade <= maxY; decade *= 10) {
            int y = axes.y(decade);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(LEFT, y, WIDTH - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label(decade), LEFT - 45, y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        g.drawString("model size: features x labels (log)", LEFT + 150, HEIGHT - 25);
        g.rotate(-Math.PI / 2);
        g.drawString("events per second (log)", -(TOP + 300), 25);
        g.rotate(Math.PI / 2);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(String.format(Locale.ROOT, "Ballast learner alone vs model size (%d CPUs, load %.1f)",
                report.get("machine").get("cpus").asInt(), report.get("machine").get("loadAverageAtStart").asDouble()),
                LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

        TreeMap<Integer, List<double[]>> dense = new TreeMap<>();
        TreeMap<Integer, double[]> sparse = new TreeMap<>();
        for (JsonNode point : report.get("learner")) {
            double size = point.get("features").asDouble() * point.get("labels").asDouble();
            double[] xy = {size, point.get("eventsPerSecond").asDouble()};
            if (point.get("nonZeros").asInt() < point.get("features").asInt()) {
                sparse.put(point.get("batch").asInt(), xy);
            } else {
                dense.computeIfAbsent(point.get("batch").asInt(), batch -> new ArrayList<>()).add(xy);
            }
        }
        int legendY = TOP + 10;
        int series = 0;
        for (var entry : dense.entrySet()) {
            Color color = SERIES[series++ % SERIES.length];
            g.setColor(color);
            g.setStroke(new BasicStroke(2f));
            List<double[]> points = entry.getValue();
            for (int i = 0; i < points.size(); i++) {
                int x = axes.x(points.get(i)[0]);
                int y = axes.y(points.get(i)[1]);
                g.fillOval(x - 4, y - 4, 8, 8);
                if (i > 0) {
                    g.drawLine(axes.x(points.get(i - 1)[0]), axes.y(points.get(i - 1)[1]), x, y);
                }
            }
            double[] sparsePoint = sparse.get(entry.getKey());
            if (sparsePoint != null) {
                int x = axes.x(sparsePoint[0]);
                int y = axes.y(sparsePoint[1]);
                g.drawRect(x - 5, y - 5, 10, 10);
            }
            legendY += 20;
            g.fillOval(WIDTH - RIGHT + 15, legendY - 8, 8, 8);
            g.drawString("dense, batch " + entry.getKey(), WIDTH - RIGHT + 30, legendY);
        }
        g.setColor(Color.DARK_GRAY);
        legendY += 20;
        g.drawRect(WIDTH - RIGHT + 14, legendY - 9, 10, 10);
        g.drawString("sparse IMDB-like (20 non-zeros)", WIDTH - RIGHT + 30, legendY);
        legendY = horizontal(g, axes, report.get("passThroughEventsPerSecond").asDouble(), Color.GRAY,
                "pass-through Kafka Streams", legendY + 30);
        horizontal(g, axes, report.get("trainingEventsPerSecond").asDouble(), Color.RED,
                "Ballast end to end (30 x 10)", legendY + 10);
        g.dispose();
        ImageIO.write(image, "png", new File(args[1]));
    }

    private static int horizontal(Graphics2D g, Axes axes, double eventsPerSecond, Color color, String name, int legendY) {
        g.setColor(color);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        int y = axes.y(eventsPerSecond);
        g.drawLine(LEFT, y, WIDTH - RIGHT, y);
        g.drawLine(WIDTH - RIGHT + 10, legendY - 4, WIDTH - RIGHT + 26, legendY - 4);
        g.drawString(name, WIDTH - RIGHT + 30, legendY);
        g.drawString(String.format(Locale.ROOT, "%,.0f/s", eventsPerSecond), WIDTH - RIGHT + 30, legendY + 15);
        g.setStroke(new BasicStroke(1f));
        return legendY + 20;
    }

    private static String label(double decade) {
        int exponent = (int) Math.round(Math.log10(decade));
        return exponent < 6 ? String.format(Locale.ROOT, "%,.0f", decade) : "1e" + exponent;
    }

    /** Log-log mapping from data to pixels. */
    private record Axes(double minX, double maxX, double minY, double maxY) {
        int x(double value) {
            return LEFT + (int) Math.round((Math.log10(value) - Math.log10(minX))
                    / (Math.log10(maxX) - Math.log10(minX)) * (WIDTH - LEFT - RIGHT));
        }

        int y(double value) {
            return HEIGHT - BOTTOM - (int) Math.round((Math.log10(value) - Math.log10(minY))
                    / (Math.log10(maxY) - Math.log10(minY)) * (HEIGHT - TOP - BOTTOM));
        }
    }
}
