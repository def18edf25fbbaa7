package org.rlplay.examples.offline;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.rlplay.algos.ope.IntervalMethod;
import org.rlplay.algos.ope.OffPolicyEstimate;

/**
 * The result of {@code rlplay ope}: one row per estimator (estimate, interval, effective sample
 * size, warnings), printed as an aligned table and written as CSV ({@code ope.csv}, one row per
 * estimator, warnings joined by {@code "; "}) and JSON ({@code ope.json}: the title, and per
 * estimator every field with the warnings as a list). Immutable; used on one thread.
 *
 * @param title     one line saying what was evaluated on what
 * @param estimates the estimates, in the order to show them
 */
public record OpeTable(String title, List<OffPolicyEstimate> estimates) {
    /** The CSV and JSON columns. */
    static final String[] HEADER = {"estimator", "estimate", "lower", "upper", "level", "interval",
        "effective_sample_size", "rows", "max_weight", "mean_weight", "warnings"};

    public OpeTable {
        estimates = List.copyOf(estimates);
    }

    /**
     * Prints the table: a title, a header, one line per estimator (estimate, interval, effective
     * sample size of n, largest and mean importance weight, which warnings apply), then each
     * warning once in full.
     */
    public void print(PrintWriter out) {
        out.println(title);
        out.printf("  %-16s %10s  %-23s %16s %10s %11s  %s%n", "estimator", "estimate", "interval", "ESS", "max weight",
                "mean weight", "warnings");
        for (OffPolicyEstimate e : estimates) {
            String interval = String.format("[%.4f, %.4f]", e.lower(), e.upper());
            List<String> flags = new ArrayList<>();
            if (e.support().warns()) {
                flags.add("support");
            }
            if (e.weights().low()) {
                flags.add("low ESS");
            }
            out.printf("  %-16s %10.4f  %-23s %16s %10.3g %11.4f  %s%n", e.estimator(), e.value(), interval,
                    String.format("%.1f/%d", e.weights().effectiveSampleSize(), e.weights().rows()),
                    e.weights().maxWeight(), e.weights().meanWeight(), flags.isEmpty() ? "-" : String.join(", ", flags));
        }
        List<String> warnings = new ArrayList<>();
        for (OffPolicyEstimate e : estimates) {
            for (String w : e.warnings()) {
                if (!warnings.contains(w)) {
                    warnings.add(w);
                }
            }
        }
        Map<String, List<String>> methods = new LinkedHashMap<>();
        for (OffPolicyEstimate e : estimates) {
            String method = String.format("%.0f%% %s", 100 * e.interval().level(), describe(e.interval())
                    .replaceAll("[()]", ""));
            methods.computeIfAbsent(method, k -> new ArrayList<>()).add(e.estimator());
        }
        List<String> described = new ArrayList<>();
        for (Map.Entry<String, List<String>> m : methods.entrySet()) {
            described.add(described.isEmpty() ? m.getKey() : m.getKey() + " for " + String.join(", ", m.getValue()));
        }
        out.printf("  intervals: %s; ESS: Kish's effective sample size of the importance weights%n",
                String.join("; ", described));
        for (String w : warnings) {
            out.println("  warning: " + w);
        }
        out.flush();
    }

    private static String describe(IntervalMethod m) {
        return m instanceof IntervalMethod.Bootstrap b
                ? "(bootstrap, " + b.resamples() + " resamples, seed " + b.seed() + ")" : "(normal)";
    }

    /** Writes {@code dir/ope.csv} and {@code dir/ope.json} (creating {@code dir}); returns the two paths. */
    public List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path csv = dir.resolve("ope.csv");
        Path json = dir.resolve("ope.json");
        try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(HEADER).get())) {
            for (OffPolicyEstimate e : estimates) {
                p.printRecord(e.estimator(), e.value(), e.lower(), e.upper(), e.interval().level(),
                        describe(e.interval()).replaceAll("[()]", ""), e.weights().effectiveSampleSize(),
                        e.weights().rows(), e.weights().maxWeight(), e.weights().meanWeight(),
                        String.join("; ", e.warnings()));
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("title", title);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (OffPolicyEstimate e : estimates) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("estimator", e.estimator());
            row.put("estimate", e.value());
            row.put("lower", e.lower());
            row.put("upper", e.upper());
            row.put("level", e.interval().level());
            row.put("interval", describe(e.interval()).replaceAll("[()]", ""));
            row.put("effective_sample_size", e.weights().effectiveSampleSize());
            row.put("rows", e.weights().rows());
            row.put("max_weight", e.weights().maxWeight());
            row.put("mean_weight", e.weights().meanWeight());
            row.put("warnings", e.warnings());
            rows.add(row);
        }
        root.put("estimates", rows);
        Files.writeString(json, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().create()
                .toJson(root) + "\n", StandardCharsets.UTF_8);
        return List.of(csv, json);
    }
}
