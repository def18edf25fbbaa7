package org.rlplay.examples.train;

import java.io.IOException;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a run's learning curve (mean return over the last 100 episodes against env-steps) from its
 * metrics CSV into a PNG with XChart. Headless: sets {@code java.awt.headless=true} unless the JVM
 * was started with a value. Stateless; callable from any thread.
 */
public final class LearningCurve {
    private LearningCurve() {
    }

    /**
     * Reads {@code metrics} and writes {@code png}.
     *
     * @param title the chart title (e.g. algorithm, env and seed)
     */
    public static void draw(Path metrics, Path png, String title) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        double[][] curve = MetricsLog.read(metrics, Run.ENV_STEPS, Run.MEAN_RETURN);
        XYChart chart = new XYChartBuilder().width(900).height(540).title(title)
                .xAxisTitle("env steps").yAxisTitle("mean return, last 100 episodes").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setDecimalPattern("#,###.#");
        double[] xs = curve[0];
        double[] ys = curve[1];
        if (xs.length == 0) {
            xs = new double[] {0};
            ys = new double[] {0};
        }
        chart.addSeries("mean return", xs, ys).setMarker(SeriesMarkers.NONE);
        String name = png.toString();
        BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
