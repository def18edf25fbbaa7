package org.rlplay.examples.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A training run's metrics as CSV, one row per logging interval. The header lists every column any
 * row has had, in the order they first appeared: a row that brings a new column (a metric that
 * starts later, such as a DQN's loss once learning starts) rewrites the file with the wider header,
 * the earlier rows' new cells left empty, as are the cells of a metric a row lacks. Rows are
 * flushed as they are written, and a rewrite replaces the file atomically, so the file is complete
 * up to the last row if the process dies. A resumed run appends to the file it finds
 * ({@link #MetricsLog(Path, long)} first drops the rows written after the checkpoint it resumes).
 *
 * <p>Owns the file handle; used by the training loop's thread only.
 */
public final class MetricsLog implements AutoCloseable {
    private final Path file;
    private final List<String> columns = new ArrayList<>();
    private BufferedWriter writer;
    private long rows;

    /** A log writing a new {@code file} (replacing any). */
    public MetricsLog(Path file) {
        this.file = file;
    }

    /**
     * A log appending to {@code file} after its first {@code keepRows} data rows (the rows a resumed
     * checkpoint had seen), dropping any rows after them. A missing or empty file starts anew.
     */
    public MetricsLog(Path file, long keepRows) {
        this.file = file;
        try {
            if (Files.exists(file) && Files.size(file) > 0) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                columns.addAll(Arrays.asList(lines.get(0).split(",")));
                int keep = (int) Math.min(keepRows, lines.size() - 1);
                rewrite(lines.subList(1, 1 + keep));
                rows = keep;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the metrics file " + file, e);
        }
    }

    /** The CSV file. */
    public Path file() {
        return file;
    }

    /** Data rows written so far (including those kept from before a resume). */
    public long rows() {
        return rows;
    }

    /** Writes one row; a column no earlier row had widens the header (see the class comment). */
    public void write(Map<String, Double> row) {
        try {
            List<String> added = new ArrayList<>();
            for (String key : row.keySet()) {
                if (!columns.contains(key)) {
                    added.add(key);
                }
            }
            if (writer == null || !added.isEmpty()) {
                List<String> old = writer == null ? List.of() : Files.readAllLines(file, StandardCharsets.UTF_8);
                close();
                columns.addAll(added);
                rewrite(old.isEmpty() ? List.of() : old.subList(1, old.size()));
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
            rows++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics file " + file, e);
        }
    }

    /**
     * Replaces the file with the current header and {@code dataRows}, each padded with empty cells
     * to the header's width, atomically, and leaves {@link #writer} appending to it.
     */
    private void rewrite(List<String> dataRows) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(String.join(",", columns));
            w.newLine();
            for (String line : dataRows) {
                int cells = line.split(",", -1).length;
                w.write(line + ",".repeat(Math.max(0, columns.size() - cells)));
                w.newLine();
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
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
