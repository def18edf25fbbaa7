package org.rlplay.examples.train;

import java.io.PrintWriter;

/**
 * The console progress display of a training run: env-steps (or, training offline, updates) done out
 * of the budget, their rate, episodes, mean return over the last 100 episodes and the time left. On a terminal it
 * redraws one line ({@link Style#BAR}); into a log file it prints a line every ten seconds
 * ({@link Style#LINES}). Updates are throttled, so calling {@link #update} every iteration is cheap.
 *
 * <p>Used by the training loop's thread only; writes to the stream it is given, which it does not
 * close.
 */
public final class Progress {
    /** How progress is shown. */
    public enum Style {
        /** One line redrawn in place (for terminals). */
        BAR,
        /** A full line every ten seconds (for log files). */
        LINES,
        /** Nothing. */
        OFF;

        /** {@link #BAR} when a console is attached, {@link #LINES} otherwise. */
        public static Style auto() {
            return System.console() != null ? BAR : LINES;
        }
    }

    private static final int WIDTH = 24;
    private final PrintWriter out;
    private final Style style;
    private final long total;
    private final long startSteps;
    private final String unit;
    private final long startNanos = System.nanoTime();
    private final long periodNanos;
    private long lastDraw = Long.MIN_VALUE;
    private int drawnLength;

    /**
     * @param out        where to draw
     * @param style      how
     * @param total      the budget
     * @param startSteps steps done before this process started (a resumed run)
     * @param unit       what the budget counts, e.g. {@code "env-steps"}
     */
    public Progress(PrintWriter out, Style style, long total, long startSteps, String unit) {
        this.out = out;
        this.unit = unit;
        this.style = style;
        this.total = total;
        this.startSteps = startSteps;
        this.periodNanos = style == Style.BAR ? 250_000_000L : 10_000_000_000L;
    }

    /** Shows the state if the last draw is old enough. */
    public void update(long envSteps, long episodes, double meanReturn) {
        long now = System.nanoTime();
        if (style == Style.OFF || now - lastDraw < periodNanos) {
            return;
        }
        lastDraw = now;
        draw(envSteps, episodes, meanReturn, now);
    }

    /** Draws the final state and ends the line. */
    public void finish(long envSteps, long episodes, double meanReturn) {
        if (style == Style.OFF) {
            return;
        }
        draw(envSteps, episodes, meanReturn, System.nanoTime());
        if (style == Style.BAR) {
            out.println();
        }
        out.flush();
    }

    private void draw(long envSteps, long episodes, double meanReturn, long now) {
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? (envSteps - startSteps) / seconds : 0;
        double fraction = Math.min(1, total > 0 ? (double) envSteps / total : 1);
        String line = String.format("%s %,d/%,d %s  %,.0f/s  %,d episodes  return(100) %s  eta %s",
                bar(fraction), envSteps, total, unit, rate, episodes,
                Double.isNaN(meanReturn) ? "-" : String.format("%.1f", meanReturn),
                rate > 0 ? clock((total - envSteps) / rate) : "-");
        if (style == Style.BAR) {
            int pad = Math.max(0, drawnLength - line.length());
            out.print("\r" + line + " ".repeat(pad));
            drawnLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    private static String bar(double fraction) {
        int filled = (int) Math.round(fraction * WIDTH);
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + String.format("%3.0f%%", 100 * fraction);
    }

    /** {@code h:mm:ss} or {@code m:ss}. */
    static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
