package org.rlplay.record;

import java.nio.file.Path;

/**
 * A dataset that cannot be read, written or used as asked: a corrupted, truncated or foreign file
 * (the message names the file and what is wrong: not Parquet, a page checksum mismatch, no rlplay
 * metadata, another schema, a value the layout forbids), files of different layouts, spaces that
 * differ from the consumer's (the message gives both descriptions), a log that cannot be imported
 * (the message names the row), or a recording that failed (the cause is attached). Thrown by
 * {@link Dataset}, its replay, {@link TransitionSampler}, {@link Recorder} and the importer.
 */
public final class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** A problem with {@code file} (the dataset directory for dataset-wide problems). */
    public DatasetException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** A problem with {@code file} caused by {@code cause}. */
    public DatasetException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file (or dataset directory) the problem is about. */
    public Path file() {
        return file;
    }
}
