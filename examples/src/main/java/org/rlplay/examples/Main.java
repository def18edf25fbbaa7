package org.rlplay.examples;

import java.io.PrintWriter;
import org.rlplay.examples.cli.CollectCommand;
import org.rlplay.examples.cli.EvalCommand;
import org.rlplay.examples.cli.TrainCommand;
import org.rlplay.examples.offline.ImportCommand;
import org.rlplay.examples.offline.OpeCommand;
import org.rlplay.examples.offline.RecordCommand;
import org.rlplay.examples.train.CheckpointException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code rlplay} command line. Each subcommand is its own class listed in {@code subcommands}
 * below; adding a command means adding a class there.
 *
 * <p>Exit codes: 0 success; 2 bad arguments (unknown option, bad value, unknown env or algorithm,
 * a mode this build cannot run), reported as one line naming the option; 1 a failure while running
 * (an unreadable checkpoint, an env error), reported with its chain of causes. Runs on the calling
 * thread. Unless set on the command line, the JVM properties {@code ai.djl.offline=true},
 * {@code ai.djl.pytorch.graph_optimizer=false}, {@code ai.djl.pytorch.num_threads=1},
 * {@code ai.djl.pytorch.num_interop_threads=1} and {@code java.awt.headless=true} are set before
 * DJL loads.
 */
@Command(name = "rlplay", mixinStandardHelpOptions = true, version = "rlplay 0.1.0",
        description = "Reinforcement learning with the rlplay rollout engine and DJL.",
        subcommands = {CollectCommand.class, TrainCommand.class, EvalCommand.class, RecordCommand.class,
                OpeCommand.class, ImportCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required: collect, train, eval, record, ope or import");
    }

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line with the console as output and returns the exit code (for tests and embedding). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line: case-insensitive enum values and the error reporting described above. */
    public static CommandLine commandLine() {
        defaultProperty("java.awt.headless", "true");
        defaultProperty("ai.djl.offline", "true");
        defaultProperty("ai.djl.pytorch.graph_optimizer", "false");
        defaultProperty("ai.djl.pytorch.num_threads", "1");
        defaultProperty("ai.djl.pytorch.num_interop_threads", "1");
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Main::report);
        return cl;
    }

    /**
     * Sets a system property the user did not set: headless plotting, DJL natives from the jar (never
     * downloaded), and single-threaded PyTorch, which is fastest for the small networks here.
     */
    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static int report(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String command = cl.getCommandSpec().qualifiedName();
        if (e instanceof IllegalArgumentException) {
            err.println(command + ": " + e.getMessage());
            err.println("Try '" + command + " --help' for more information.");
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        if (e instanceof CheckpointException || e instanceof java.io.IOException
                || e instanceof java.io.UncheckedIOException || e instanceof org.rlplay.env.EnvException) {
            err.println(command + ": " + e.getMessage());
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                err.println("  caused by: " + c);
            }
        } else {
            err.println(command + ": failed: " + e);
            e.printStackTrace(err);
        }
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
    }
}
