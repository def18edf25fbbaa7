package org.rlplay.examples.cli;

/** Argument checks shared by the commands: a failed check is a usage error (exit code 2). */
final class Cli {
    private Cli() {
    }

    /** Throws an {@link IllegalArgumentException} with {@code message} (which names the option) unless {@code ok}. */
    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
