package org.rlplay.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;
import org.rlplay.env.EnvException;
import org.rlplay.examples.train.CheckpointException;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.gym.GymBridgeException;
import org.rlplay.record.DatasetException;
import org.rlplay.ring.CollectorException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How the command line reports what went wrong, on its error stream (see {@link Main}):
 * <ul>
 * <li>a usage error (picocli's, or a {@link UsageException}): one line, the message and a pointer
 *     to {@code --help}; exit code 2;</li>
 * <li>a failure while running: {@code rlplay <command>: <what failed>}, then, when they add
 *     something, {@code   cause: <the root cause>} and {@code   fix: <what to do>}; exit code 1. The
 *     failures the command line expects (checkpoints, datasets, the Gymnasium bridge, envs,
 *     collectors, files) print their own message; anything else is reported as unexpected, with a
 *     pointer to {@code --verbose}.</li>
 * </ul>
 * Only the first line of each message is shown: Python tracebacks and process output follow it in
 * the messages and are printed, with the Java stack trace, only with {@code --verbose}. Stateless;
 * runs on the command's thread.
 */
final class ErrorReport {
    private ErrorReport() {
    }

    /** Reports a usage error found while parsing (or a {@code ParameterException} thrown by a command). */
    static int usage(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String command = cl.getCommandSpec().qualifiedName();
        err.println(command + ": " + e.getMessage() + " (see '" + command + " --help')");
        UnmatchedArgumentException.printSuggestions(e, err);
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    /** Reports an exception thrown while a command ran; returns the exit code. */
    static int failure(Exception e, CommandLine cl, boolean verbose) {
        PrintWriter err = cl.getErr();
        String command = cl.getCommandSpec().qualifiedName();
        if (e instanceof UsageException) {
            err.println(command + ": " + e.getMessage() + " (see '" + command + " --help')");
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        String where = "";
        Throwable shown = e;
        if (shown instanceof CollectorException c && c.getCause() != null && !(c.getCause() instanceof TimeoutException)) {
            where = c.collectorIndex() >= 0 ? "collector " + c.collectorIndex() + ": " : "";
            shown = c.getCause();
        }
        boolean expected = isExpected(shown);
        String headline = expected ? problem(shown) : "unexpected " + firstLine(shown.toString());
        err.println(command + ": " + where + headline);
        Throwable root = rootCause(shown);
        String rootMessage = firstLine(root.getMessage());
        if (root != shown && !(shown instanceof GymBridgeException)
                && (rootMessage.isEmpty() || !headline.contains(rootMessage))) {
            err.println("  cause: " + firstLine(root.toString()));
        }
        String fix = expected ? fix(shown) : "this looks like a bug; " + Main.VERBOSE + " prints the stack trace";
        if (fix != null) {
            err.println("  fix: " + fix);
        }
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
    }

    private static boolean isExpected(Throwable e) {
        return e instanceof CheckpointException || e instanceof DatasetException || e instanceof GymBridgeException
                || e instanceof EnvException || e instanceof CollectorException || e instanceof IOException
                || e instanceof UncheckedIOException || e instanceof SparkStartException;
    }

    private static String problem(Throwable e) {
        return e instanceof GymBridgeException g ? g.problem() : firstLine(e.getMessage());
    }

    /** What to do, where it can be said without guessing; null otherwise. */
    private static String fix(Throwable e) {
        if (e instanceof GymBridgeException g) {
            return g.fix();
        }
        if (e instanceof SparkStartException) {
            return SparkStartException.FIX;
        }
        if (e instanceof DatasetException) {
            return "check the dataset named above, or record a new one (rlplay record --out DIR)";
        }
        if (e.getMessage() != null && e.getMessage().contains("\n")) {
            return Main.VERBOSE + " prints the rest of the report (e.g. Python's traceback)";
        }
        return null;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }
}
