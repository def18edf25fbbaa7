package org.rlplay.examples.train;

/**
 * A checkpoint cannot be used: missing, unreadable, corrupted (its files do not match the hashes it
 * recorded), or saved from a model of another shape than the one it is loaded into. The message
 * names the checkpoint directory and what is wrong.
 */
public final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
