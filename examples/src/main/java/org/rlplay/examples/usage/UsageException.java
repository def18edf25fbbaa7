package org.rlplay.examples.usage;

/**
 * The command line was asked for something it cannot do: an unknown or out-of-range option value,
 * options that conflict, an env or a checkpoint that does not fit the command. The command line
 * reports it as one line naming the option, with a pointer to {@code --help}, and exits with code 2.
 *
 * <p>Every other exception is a failure while running (exit code 1): an env or an actor that
 * breaks is not a usage error, even when it throws an {@link IllegalArgumentException}. Thrown on
 * the command's thread; immutable.
 */
public final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the option (e.g. {@code "--steps must be >= 1, got 0"}) */
    public UsageException(String message) {
        super(message);
    }

    /** Throws a {@code UsageException} with {@code message} unless {@code ok}. */
    public static void require(boolean ok, String message) {
        if (!ok) {
            throw new UsageException(message);
        }
    }
}
