package org.rlplay.env;

/**
 * An env failed, or produced an invalid result, while being reset or stepped. Carries the index of
 * the env within its batch and, as the cause, the original exception if there was one.
 */
public class EnvException extends RuntimeException {
    private final int envIndex;

    public EnvException(int envIndex, String message, Throwable cause) {
        super("env " + envIndex + ": " + message, cause);
        this.envIndex = envIndex;
    }

    public EnvException(int envIndex, String message) {
        this(envIndex, message, null);
    }

    /** Index of the failing env within its batch. */
    public int envIndex() {
        return envIndex;
    }
}
