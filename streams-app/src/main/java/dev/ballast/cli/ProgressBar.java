package dev.ballast.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on a terminal's stderr; silent when stderr is not a terminal (logs, CI, pipes). */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final long started = System.nanoTime();
    private long lastDrawn;

    private ProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    static ProgressBar onTerminal(PrintStream err, String label) {
        return System.console() == null ? silent() : new ProgressBar(err, label);
    }

    static ProgressBar silent() {
        return new ProgressBar(null, "");
    }

    void update(long events, long position, long size) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDrawn < 200_000_000L) {
            return;
        }
        lastDrawn = now;
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        String rate = String.format(Locale.ROOT, "%,d events, %,.0f/s", events, events / seconds);
        if (size > 0) {
            double fraction = Math.min(1.0, (double) position / size);
            int filled = (int) Math.round(fraction * WIDTH);
            out.printf(Locale.ROOT, "\r%s [%s%s] %3.0f%%  %s", label, "#".repeat(filled), " ".repeat(WIDTH - filled),
                    fraction * 100, rate);
        } else {
            out.printf(Locale.ROOT, "\r%s  %s", label, rate);
        }
        out.flush();
    }

    void finish() {
        if (out != null && lastDrawn != 0) {
            out.println();
        }
    }
}
