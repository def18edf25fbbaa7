package org.rlplay.record;

import java.nio.file.Path;
import java.util.Map;

/**
 * One complete Parquet file of a dataset, as {@link Dataset#files()} lists it. Immutable.
 *
 * @param path      the file
 * @param root      the dataset directory it belongs to
 * @param partition its Hive partition values (outermost first), e.g. {@code {date=2026-12-01}}
 * @param run       the recording run that wrote it
 * @param fragments its fragments (row groups)
 * @param rows      its rows (env steps): fragments * T * N
 */
public record DatasetFile(Path path, Path root, Map<String, String> partition, int run, int fragments, long rows) {
    public DatasetFile {
        partition = Map.copyOf(partition);
    }
}
