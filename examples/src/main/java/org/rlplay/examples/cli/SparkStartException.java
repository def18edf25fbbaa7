package org.rlplay.examples.cli;

/**
 * Spark could not start in this JVM (thrown by {@code rlplay spark} on the calling thread): on
 * Java 17 that is almost always the missing {@code --add-opens} flags. {@link ErrorReport} shows it
 * as an expected failure with its fix.
 */
final class SparkStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The fix {@link ErrorReport} prints. */
    static final String FIX = "run it through ./rlplay, or give java the flags of the root pom's spark.jvm.args";

    SparkStartException(Throwable cause) {
        super("Spark cannot start on this JVM: " + cause, cause);
    }
}
