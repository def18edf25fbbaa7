package org.rlplay.record.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The formats of logged steps the importer reads. */
public enum LogFormat {
    /** Comma-separated values with a header row; list values as JSON arrays ({@code "[0.1, 0.2]"}). */
    CSV,
    /** One JSON object per line, one step per object. */
    JSONL,
    /** A Parquet table, one step per row (scalars and lists). */
    PARQUET,
    /**
     * RLlib's JSON offline format: one {@code SampleBatch} per line, every column an array over the
     * batch's steps ({@code obs}, {@code new_obs}, {@code actions}, {@code rewards}, {@code dones} or
     * {@code terminateds}/{@code truncateds}, {@code eps_id}, {@code t}, {@code action_prob}, ...).
     * Columns packed by RLlib's compression (base64 strings) are refused with how to unpack them.
     */
    RLLIB;

    /**
     * The format of {@code file} by its extension ({@code .csv}, {@code .parquet}, {@code .jsonl},
     * {@code .json}); a {@code .json} or {@code .jsonl} file whose first line is a
     * {@code "type": "SampleBatch"} object is {@link #RLLIB}.
     *
     * @throws IllegalArgumentException if the extension is none of these
     */
    public static LogFormat detect(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".parquet")) {
            return PARQUET;
        }
        if (name.endsWith(".json") || name.endsWith(".jsonl")) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String first = in.readLine();
                return first != null && first.replace(" ", "").contains("\"type\":\"SampleBatch\"") ? RLLIB : JSONL;
            }
        }
        throw new IllegalArgumentException(file + ": cannot tell the log format from the name; give it (csv, jsonl,"
                + " parquet or rllib)");
    }
}
