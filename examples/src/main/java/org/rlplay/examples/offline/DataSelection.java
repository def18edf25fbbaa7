package org.rlplay.examples.offline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rlplay.record.Dataset;
import org.rlplay.record.PartitionFilter;
import picocli.CommandLine.Option;

/**
 * The datasets an offline command reads: {@code --data DIR} (repeatable: several datasets of one
 * env and layout read as one) and {@code --partition KEY=VALUE} or {@code KEY=FROM..TO} (repeatable,
 * all must hold) to keep some Hive partitions, e.g. {@code --partition date=2026-12-01..2026-12-07}.
 * A picocli mixin; {@link #open()} runs on the command's thread.
 */
public final class DataSelection {
    @Option(names = "--data", paramLabel = "DIR", description = "A dataset directory (rlplay record or rlplay import);"
            + " repeat to read several datasets as one.")
    List<Path> data = new ArrayList<>();

    @Option(names = "--partition", paramLabel = "KEY=VALUE[..TO]", description = "Read only the partitions whose KEY"
            + " is VALUE, or lies in VALUE..TO (as strings: ISO dates order as days); repeatable.")
    List<String> partitions = new ArrayList<>();

    /** Whether any {@code --data} was given. */
    public boolean given() {
        return !data.isEmpty();
    }

    /** The directories, for messages. */
    public String describe() {
        return data.size() == 1 ? data.get(0).toString() : data.toString();
    }

    /** The partition filter the {@code --partition} options describe. */
    public PartitionFilter filter() {
        PartitionFilter f = PartitionFilter.all();
        for (String p : partitions) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--partition " + p + ": expected KEY=VALUE or KEY=FROM..TO");
            }
            String key = p.substring(0, eq);
            String value = p.substring(eq + 1);
            int range = value.indexOf("..");
            f = f.and(range < 0 ? PartitionFilter.equal(key, value)
                    : PartitionFilter.between(key, value.substring(0, range), value.substring(range + 2)));
        }
        return f;
    }

    /**
     * Opens the selected data.
     *
     * @throws IllegalArgumentException if no {@code --data} was given or a {@code --partition} is malformed
     */
    public Dataset open() {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("--data is required");
        }
        return Dataset.open(data, filter());
    }
}
