package org.rlplay.examples.cli;

import org.rlplay.examples.cli.BrokerCli;
import org.rlplay.examples.cli.CollectCommand;
import org.rlplay.examples.cli.CollectorCli;
import org.rlplay.examples.cli.EvalCommand;
import org.rlplay.examples.cli.TrainCommand;
import org.rlplay.examples.cli.VenvCommand;
import org.rlplay.examples.cli.BanditDemoCommand;
import org.rlplay.examples.cli.ImportCommand;
import org.rlplay.examples.cli.OpeCommand;
import org.rlplay.examples.cli.RecordCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code rlplay} command line. Each subcommand is its own class listed in {@code subcommands}
 * below; adding a command means adding a class there.
 *
 * <p>Exit codes: 0 success; 2 a usage error (an unknown option, a bad value, an unknown env or
 * algorithm, options that conflict: a {@link org.rlplay.examples.usage.UsageException}), reported
 * as one line naming the option; 1 a failure while running (an unreadable checkpoint or dataset,
 * Python or Gymnasium refusing, an env or actor that breaks), reported in one to three lines: what
 * failed, its cause, what to do. The global option {@code --verbose} adds the stack trace (and
 * Python's traceback) and DJL's log. See {@link ErrorReport}.
 *
 * <p>Runs on the calling thread. Unless set on the command line, the JVM properties
 * {@code ai.djl.offline=true}, {@code ai.djl.pytorch.graph_optimizer=false},
 * {@code ai.djl.pytorch.num_threads=1}, {@code ai.djl.pytorch.num_interop_threads=1},
 * {@code java.awt.headless=true} and the log level {@code org.slf4j.simpleLogger.defaultLogLevel=warn}
 * ({@code info} with {@code --verbose}) are set before DJL loads.
 */
@Command(name = "rlplay", mixinStandardHelpOptions = true, version = "rlplay 0.1.0",
        description = "Reinforcement learning with the rlplay rollout engine and DJL.",
        subcommands = {CollectCommand.class, TrainCommand.class, EvalCommand.class, RecordCommand.class,
                OpeCommand.class, ImportCommand.class, BanditDemoCommand.class, VenvCommand.class, BrokerCli.class,
                CollectorCli.class, SinkCommand.class, SparkCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    static final String VERBOSE = "--verbose";
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    @Spec
    CommandSpec spec;

    @Option(names = VERBOSE, scope = ScopeType.INHERIT,
            description = "On failure, print the stack trace and Python's traceback; show DJL's log.")
    boolean verbose;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required: collect, train, eval, record, ope,"
                + " import or venv");
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
        cl.setParameterExceptionHandler(ErrorReport::usage);
        cl.setExecutionExceptionHandler((e, failed, parsed) -> ErrorReport.failure(e, failed, verbose(parsed)));
        cl.setExecutionStrategy(parsed -> {
            defaultProperty(LOG_LEVEL, verbose(parsed) ? "info" : "warn");
            return new CommandLine.RunLast().execute(parsed);
        });
        return cl;
    }

    /** Whether {@code --verbose} was given to the command or any of its parents. */
    static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sets a system property the user did not set: headless plotting, DJL natives from the jar (never
     * downloaded), single-threaded PyTorch (fastest for the small networks here), and the log level.
     */
    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
