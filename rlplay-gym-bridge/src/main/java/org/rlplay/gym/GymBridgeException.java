package org.rlplay.gym;

/**
 * The Gymnasium bridge failed as a whole: Python could not be found or set up, the child process
 * did not start or died, or Gymnasium refused to create the envs. Failures of one env while it is
 * reset or stepped are {@link org.rlplay.env.EnvException}s instead.
 *
 * <p>An exception has three parts: the {@link #problem()}, one line saying what failed and why
 * (for a failure in Python, the Python exception's type and message); the {@link #fix()}, one line
 * saying what to do, when the bridge knows; and {@link #details()}, the Python traceback or the
 * child's last output, when there are any. {@link #getMessage()} joins all three, so nothing is
 * lost when the exception is printed whole; a command line shows the first two and keeps the
 * details for a verbose mode. Immutable.
 */
public class GymBridgeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String problem;
    private final String fix;
    private final String details;

    /**
     * @param problem what failed, one line
     * @param fix     what to do, one line, or {@code null} if the bridge cannot tell
     * @param details traceback or process output, or {@code null}
     * @param cause   the underlying exception, or {@code null}
     */
    public GymBridgeException(String problem, String fix, String details, Throwable cause) {
        super(join(problem, fix, details), cause);
        this.problem = problem;
        this.fix = fix;
        this.details = details;
    }

    /** A failure with neither a fix nor details. */
    public GymBridgeException(String problem) {
        this(problem, null, null, null);
    }

    /** A failure with neither a fix nor details, caused by {@code cause}. */
    public GymBridgeException(String problem, Throwable cause) {
        this(problem, null, null, cause);
    }

    private static String join(String problem, String fix, String details) {
        return problem + (fix == null ? "" : "\nFix: " + fix) + (details == null || details.isBlank() ? "" : "\n" + details);
    }

    /** What failed and why, one line. */
    public String problem() {
        return problem;
    }

    /** What to do about it, one line, or {@code null} when the bridge cannot tell. */
    public String fix() {
        return fix;
    }

    /** The Python traceback or the child process's last output, or {@code null}. */
    public String details() {
        return details;
    }
}
