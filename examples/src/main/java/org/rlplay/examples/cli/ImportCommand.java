package org.rlplay.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.record.RecorderOptions;
import org.rlplay.record.ingest.ColumnMapping;
import org.rlplay.record.ingest.ImportException;
import org.rlplay.record.ingest.LogFormat;
import org.rlplay.record.ingest.LogImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rlplay import}: turns a table of logged steps written by another system (CSV, JSON lines,
 * Parquet, or RLlib's JSON offline format) into a dataset that {@code train --data}, {@code ope}
 * and the Java readers take, through {@link LogImport}. Columns are mapped by flags or a JSON
 * mapping file (flags win); errors in the log name the row. Runs on the calling thread.
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Import logged steps (CSV, JSON lines, Parquet, RLlib JSON) as a dataset.")
public final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "LOG", arity = "1..*", description = "The log file(s), read in order.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The dataset directory: new, empty, or"
            + " a dataset of the same env and layout to append to.")
    Path out;

    @Option(names = "--format", description = "csv, jsonl, parquet or rllib (default: by each file's name).")
    String format;

    @Option(names = "--mapping", paramLabel = "FILE", description = "A JSON mapping file: {\"episode\": COL, \"step\": COL,"
            + " \"observation\": [COL, ...], \"action\": COL, ...}.")
    Path mapping;

    @Option(names = "--actions", paramLabel = "N", description = "The action space is Discrete(N).")
    Integer actions;

    @Option(names = "--action-space", paramLabel = "JSON", description = "The action space as JSON, e.g."
            + " '{\"type\":\"Box\",\"shape\":[2],\"dtype\":\"float32\",\"low\":[-1,-1],\"high\":[1,1]}'.")
    String actionSpace;

    @Option(names = "--observation-space", paramLabel = "JSON", description = "The observation space as JSON"
            + " (default: Box(-inf, inf) of the logged width).")
    String observationSpace;

    @Option(names = "--episode", paramLabel = "COL", description = "Episode id column (none: every row is a one-step"
            + " episode, a contextual-bandit log).")
    String episode;

    @Option(names = "--step", paramLabel = "COL", description = "Step index column.")
    String step;

    @Option(names = "--observation", paramLabel = "COL[,COL...]", description = "Observation column(s).")
    String observation;

    @Option(names = "--next-observation", paramLabel = "COL", description = "Next observation column.")
    String nextObservation;

    @Option(names = "--action", paramLabel = "COL", description = "Action column.")
    String action;

    @Option(names = "--reward", paramLabel = "COL", description = "Reward column.")
    String reward;

    @Option(names = "--terminated", paramLabel = "COL", description = "Terminated column.")
    String terminated;

    @Option(names = "--truncated", paramLabel = "COL", description = "Truncated column.")
    String truncated;

    @Option(names = "--done", paramLabel = "COL", description = "Episode-end column without the terminated/truncated"
            + " distinction (read as terminated).")
    String done;

    @Option(names = "--propensity", paramLabel = "COL", description = "Logged probability of the logged action.")
    String propensity;

    @Option(names = "--probabilities", paramLabel = "COL", description = "Logged action distribution (a list).")
    String probabilities;

    @Option(names = "--env-id", defaultValue = "imported", description = "The env id to record (default: ${DEFAULT-VALUE}).")
    String envId;

    @Option(names = {"-T", "--length"}, defaultValue = "0", description = "Fragment length T (default: 1 for a log of"
            + " one-step episodes, else 128).")
    int length;

    @Option(names = "--envs", defaultValue = "16", description = "Lanes N per fragment (default: ${DEFAULT-VALUE}).")
    int numEnvs;

    @Option(names = "--partition", paramLabel = "KEY=VALUE", description = "The Hive partition to write (default:"
            + " date=<today, UTC>).")
    String partition;

    /**
     * Runs the import. A log that cannot be imported (the error names the row), a malformed mapping
     * file or space description are usage errors: the input does not fit the command as given.
     */
    @Override
    public Integer call() throws IOException {
        try {
            return importLogs();
        } catch (ImportException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private Integer importLogs() throws IOException {
        UsageException.require(actions == null || actions >= 1, "--actions must be >= 1, got " + actions);
        UsageException.require(numEnvs >= 1, "--envs must be >= 1, got " + numEnvs);
        UsageException.require(length >= 0, "--length must be >= 0 (0: automatic), got " + length);
        for (Path input : inputs) {
            UsageException.require(Files.isRegularFile(input), "LOG " + input + ": no such file");
            if (format == null) {
                try {
                    LogFormat.detect(input);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
            }
        }
        LogFormat logFormat = null;
        if (format != null) {
            try {
                logFormat = LogFormat.valueOf(format.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--format: expected csv, jsonl, parquet or rllib, got '" + format + "'");
            }
        }
        boolean rllib = logFormat == LogFormat.RLLIB || logFormat == null && LogFormat.detect(inputs.get(0)) == LogFormat.RLLIB;
        ColumnMapping m = rllib ? ColumnMapping.rllib() : ColumnMapping.defaults();
        if (mapping != null) {
            try {
                m = m.withJson(Files.readString(mapping));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--mapping " + mapping + ": " + e.getMessage());
            }
        }
        m = with(m, "episode", episode);
        m = with(m, "step", step);
        m = with(m, "observation", observation);
        m = with(m, "nextObservation", nextObservation);
        m = with(m, "action", action);
        m = with(m, "reward", reward);
        m = with(m, "terminated", terminated);
        m = with(m, "truncated", truncated);
        m = with(m, "done", done);
        m = with(m, "propensity", propensity);
        m = with(m, "probabilities", probabilities);
        if ((actions == null) == (actionSpace == null)) {
            throw new UsageException("give the action space: --actions N (Discrete(N)) or --action-space JSON");
        }
        Space act = actions != null ? new Discrete(actions) : space("--action-space", actionSpace);
        Space obs = observationSpace == null ? null : space("--observation-space", observationSpace);
        RecorderOptions options = RecorderOptions.defaults();
        if (partition != null) {
            int eq = partition.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--partition " + partition + ": expected KEY=VALUE");
            }
            options = options.withPartition(RecorderOptions.fixed(partition.substring(0, eq), partition.substring(eq + 1)));
        }
        long start = System.nanoTime();
        LogImport.Summary s = LogImport.run(new LogImport.Config(inputs, logFormat, m, obs, act, envId, length, numEnvs,
                options), out);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("import %s -> %s (run %d, env id %s)%n", inputs, out, s.run(), envId);
        stdout.printf("  %,d steps in %,d episodes -> %,d fragments (T=%d, N=%d), %.1f s%n", s.rows(), s.episodes(),
                s.fragments(), s.spec().length(), s.spec().numEnvs(), (System.nanoTime() - start) / 1e9);
        if (s.open() > 0 || s.dropped() > 0) {
            stdout.printf("  %d episode(s) the log ends in the middle kept without an end%s%n", s.open(),
                    s.dropped() > 0 ? "; " + s.dropped() + " more left out (use --envs >= " + (s.open() + s.dropped())
                            + " to keep them)" : "");
        }
        stdout.flush();
        return 0;
    }

    private static Space space(String option, String json) {
        try {
            return LogImport.space(json);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    private static ColumnMapping with(ColumnMapping m, String component, String column) {
        return column == null ? m : m.with(component, column);
    }
}
