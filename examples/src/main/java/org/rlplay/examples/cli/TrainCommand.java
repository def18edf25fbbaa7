package org.rlplay.examples.cli;

import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rlplay.env.space.Space;
import org.rlplay.examples.Algorithm;
import org.rlplay.examples.Algorithms;
import org.rlplay.examples.envs.Envs;
import org.rlplay.examples.offline.OfflineTraining;
import org.rlplay.examples.train.Checkpoint;
import org.rlplay.examples.train.Hyperparameters;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.train.Progress;
import org.rlplay.examples.train.RolloutMode;
import org.rlplay.examples.train.Run;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rlplay train}: trains one of the algorithms on an env, showing progress, writing metrics,
 * checkpoints and a learning curve into {@code --out}, and printing a summary (command, seed,
 * steps, wall-clock, env-steps/s, mean return over the last 100 episodes).
 *
 * <p>{@code --resume DIR} continues the newest checkpoint under DIR (or DIR itself if it is a
 * checkpoint): algorithm, env, seed and hyperparameters come from the checkpoint; {@code --steps}
 * may raise the budget and {@code --set} may change hyperparameters that leave the model's shape
 * alone. Runs on the calling thread, which is the training loop's.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train an agent; write metrics.csv, checkpoints/ and learning_curve.png into --out.")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--algo", description = "Algorithm: a2c, ddqn, ppo, a2c-lstm or sac (required unless --resume);"
            + " ppo takes discrete or continuous actions, sac continuous ones.")
    String algo;

    @Option(names = "--env", description = "Env id, e.g. CartPole-v1, Acrobot-v1, CartPoleNoVelocity-v1, gym:<id>"
            + " (default: the algorithm's).")
    String env;

    @Option(names = "--steps", description = "Env-step budget (default: the algorithm's, 500000).")
    Long steps;

    @Option(names = "--seed", description = "Seed of envs, weights and sampling (default: 1).")
    Long seed;

    @Option(names = "--out", description = "Run directory (default: runs/<algo>-<env>-s<seed>).")
    Path out;

    @Option(names = "--mode", defaultValue = "same", description = "Rollout mode: same, single or multi (default: ${DEFAULT-VALUE}).")
    RolloutMode mode;

    @Option(names = "--collectors", defaultValue = "2", description = "Collector threads in --mode multi; the"
            + " algorithm's envs are split evenly over them (default: ${DEFAULT-VALUE}).")
    int collectors;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Override a hyperparameter, e.g. --set lr=3e-4"
            + " --set hidden=128,128 (repeatable).")
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue from the newest checkpoint in DIR.")
    Path resume;

    @Option(names = "--checkpoint-every", paramLabel = "K", defaultValue = "0",
            description = "Checkpoint every K updates; 0 for about ten per run (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--progress", defaultValue = "auto", description = "Progress display: auto, bar, lines or off"
            + " (default: ${DEFAULT-VALUE}).")
    String progress;

    @Option(names = "--data", paramLabel = "DIR", description = "Train offline from this recorded dataset (rlplay record),"
            + " without touching the env; --algo bc or cql.")
    Path data;

    @Option(names = "--eval-episodes", defaultValue = "20", description = "With --data: greedy episodes to evaluate the"
            + " result on the dataset's env (default: ${DEFAULT-VALUE}).")
    int evalEpisodes;

    @Override
    public Integer call() {
        if (data != null) {
            return trainOffline();
        }
        Checkpoint from = resume == null ? null : Checkpoint.open(resume);
        String name = from == null ? algo : from.state().algo();
        if (name == null) {
            throw new IllegalArgumentException("--algo is required (one of " + Algorithms.names() + ")");
        }
        if (from != null && algo != null && !algo.equals(name)) {
            throw new IllegalArgumentException("--algo " + algo + " conflicts with the checkpoint in " + from.dir()
                    + ", which was trained with " + name);
        }
        if (from != null && env != null && !env.equals(from.state().env())) {
            throw new IllegalArgumentException("--env " + env + " conflicts with the checkpoint in " + from.dir()
                    + ", which was trained on " + from.state().env());
        }
        String envId = from != null ? from.state().env() : env != null ? env : Algorithms.get(name).defaultEnv();
        return train(Algorithms.get(name, () -> Envs.spaces(envId)[1]), from);
    }

    private <H extends Record> int train(Algorithm<H> a, Checkpoint from) {
        String envId = from != null ? from.state().env() : env != null ? env : a.defaultEnv();
        long runSeed = from != null ? from.state().seed() : seed != null ? seed : 1L;
        long budget = steps != null ? steps : from != null ? from.state().totalSteps() : a.defaultSteps();
        Cli.require(budget >= 1, "--steps must be >= 1, got " + budget);
        Cli.require(checkpointEvery >= 0, "--checkpoint-every must be >= 0, got " + checkpointEvery);
        H base = from != null ? from.hyperparameters(a.hyperparameterType()) : a.defaults(envId);
        H h = Hyperparameters.override(base, sets);
        Path dir = out != null ? out : from != null ? runDirOf(from) : Path.of("runs", a.name() + "-" + envId.replace(':', '_') + "-s" + runSeed);
        Space[] spaces = Envs.spaces(envId);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Engine.getInstance().setRandomSeed((int) runSeed);
        try (Networks nets = a.networks(h, spaces[0], spaces[1])) {
            if (from != null) {
                from.restore(nets);
                stdout.printf("resuming %s from %s (%,d env-steps, %,d updates)%n", a.name(), from.dir(),
                        from.state().envSteps(), from.state().updates());
            }
            stdout.printf("train %s on %s: %,d env-steps, seed %d, mode %s -> %s%n", a.name(), envId, budget, runSeed,
                    mode.label(), dir);
            stdout.println("hyperparameters: " + Hyperparameters.describe(h));
            stdout.flush();
            Run.Settings settings = new Run.Settings(a.name(), envId, runSeed, budget, dir, mode, collectors, h,
                    checkpointEvery, style(), "rlplay " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
            try (Run run = new Run(settings, nets, () -> a.networks(h, spaces[0], spaces[1]),
                    from == null ? null : from.state(), stderr)) {
                if (from != null && from.state().envSteps() >= budget) {
                    throw new IllegalArgumentException("--steps " + budget + ": the checkpoint in " + from.dir()
                            + " has already done " + from.state().envSteps() + " env-steps; raise --steps to continue");
                }
                a.train(h, run);
                Run.Summary summary = run.finish();
                summary.lines().forEach(stdout::println);
                stdout.flush();
            }
        }
        return 0;
    }

    /** {@code --data}: an offline algorithm on a recorded dataset (see {@link OfflineTraining}). */
    private int trainOffline() {
        Cli.require(algo != null, "--data needs --algo, one of " + OfflineTraining.names());
        Cli.require(resume == null && env == null && steps == null, "--data trains from the dataset's env alone:"
                + " --resume, --env and --steps do not apply (set gradient steps with --set steps=K)");
        Cli.require(evalEpisodes >= 1, "--eval-episodes must be >= 1, got " + evalEpisodes);
        long runSeed = seed != null ? seed : 1L;
        Path dir = out != null ? out : Path.of("runs", algo + "-offline-s" + runSeed);
        OfflineTraining.run(algo, data, dir, runSeed, sets, evalEpisodes, spec.commandLine().getOut());
        return 0;
    }

    /** The run directory a checkpoint belongs to: {@code <run>/checkpoints/<n>}. */
    private static Path runDirOf(Checkpoint c) {
        Path parent = c.dir().toAbsolutePath().getParent();
        return parent != null && parent.getFileName().toString().equals(Checkpoint.DIR) ? parent.getParent() : c.dir();
    }

    private Progress.Style style() {
        switch (progress) {
            case "auto": return Progress.Style.auto();
            case "bar": return Progress.Style.BAR;
            case "lines": return Progress.Style.LINES;
            case "off": return Progress.Style.OFF;
            default: throw new IllegalArgumentException("--progress: expected auto, bar, lines or off, got '" + progress + "'");
        }
    }
}
