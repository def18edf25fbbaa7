package org.rlplay.record.ingest;

/**
 * A log that cannot be imported: a missing or inconsistent column, named with the row it was found
 * in ({@code logs.csv row 17: ...}). An {@link IllegalArgumentException}, since the log is the
 * importer's input.
 */
public final class ImportException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ImportException(String message) {
        super(message);
    }

    ImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
