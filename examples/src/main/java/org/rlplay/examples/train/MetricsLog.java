package org.rlplay.examples.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A training run's metrics as CSV, one row per logging interval: the columns of the first row
 * (or of the existing file's header, when a resumed run appends) fix the layout; values missing from
 * a later row are left empty. Rows are flushed as they are written, so the file is complete up to
 * the last row if the process dies.
 *
 * <p>Owns the file handle; used by the training loop's thread only.
 */
public final class MetricsLog implements AutoCloseable {
    private final Path file;
    private List<String> columns;
    private BufferedWriter writer;

    /** A log writing (or appending) to {@code file}. */
    public MetricsLog(Path file) {
        this.file = file;
        try {
            if (Files.exists(file) && Files.size(file) > 0) {
                String header = Files.readAllLines(file, StandardCharsets.UTF_8).get(0);
                columns = Arrays.asList(header.split(","));
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the metrics file " + file, e);
        }
    }

    /** The CSV file. */
    public Path file() {
        return file;
    }

    /** Writes one row; the first row of a new file also writes the header from its keys. */
    public void write(Map<String, Double> row) {
        try {
            if (writer == null) {
                columns = new ArrayList<>(row.keySet());
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                writer.write(String.join(",", columns));
                writer.newLine();
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                Double v = row.get(columns.get(i));
                b.append(i == 0 ? "" : ",");
                if (v != null && !v.isNaN()) {
                    b.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf(v.longValue())
                            : String.format(Locale.ROOT, "%.6g", v));
                }
            }
            writer.write(b.toString());
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics file " + file, e);
        }
    }

    /**
     * Reads two numeric columns of a metrics file, skipping rows where either is empty.
     *
     * @return {@code {xs, ys}}
     */
    public static double[][] read(Path file, String x, String y) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return new double[][] {new double[0], new double[0]};
        }
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int xi = header.indexOf(x);
        int yi = header.indexOf(y);
        if (xi < 0 || yi < 0) {
            throw new IOException(file + ": no column '" + (xi < 0 ? x : y) + "' in " + header);
        }
        double[] xs = new double[lines.size() - 1];
        double[] ys = new double[lines.size() - 1];
        int n = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            if (cells.length > Math.max(xi, yi) && !cells[xi].isEmpty() && !cells[yi].isEmpty()) {
                xs[n] = Double.parseDouble(cells[xi]);
                ys[n] = Double.parseDouble(cells[yi]);
                n++;
            }
        }
        return new double[][] {Arrays.copyOf(xs, n), Arrays.copyOf(ys, n)};
    }

    @Override
    public void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the metrics file " + file, e);
            }
            writer = null;
        }
    }
}
