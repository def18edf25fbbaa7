package org.rlplay.examples.cli;

import static org.rlplay.examples.usage.UsageException.require;

import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rlplay.actor.Actor;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.space.Space;
import org.rlplay.examples.Algorithm;
import org.rlplay.examples.Algorithms;
import org.rlplay.examples.envs.EnvSpec;
import org.rlplay.examples.envs.Envs;
import org.rlplay.examples.cli.RecordCommand;
import org.rlplay.examples.train.ActorRollouts;
import org.rlplay.examples.train.Checkpoint;
import org.rlplay.examples.train.Evaluation;
import org.rlplay.examples.train.Hyperparameters;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.train.Progress;
import org.rlplay.examples.train.RolloutMode;
import org.rlplay.kafka.KafkaSettings;
import org.rlplay.examples.train.Run;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.record.Dataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rlplay train}: trains one of the algorithms on an env, showing progress, writing metrics,
 * checkpoints and a learning curve into {@code --out}, and printing a summary (command, seed,
 * steps, wall-clock, env-steps/s, mean return over the last 100 episodes). With {@code --data DIR}
 * an offline algorithm trains from a recorded dataset instead, and the result is evaluated greedily
 * on the dataset's env.
 *
 * <p>{@code --resume DIR} continues the newest checkpoint under DIR (or DIR itself if it is a
 * checkpoint): algorithm, env, seed, hyperparameters and the training state (optimizer, random
 * generators, replay, episode statistics; see {@link Run}) come from the checkpoint; {@code --steps}
 * may raise the budget and {@code --set} may change hyperparameters that leave the model's shape
 * alone. Arguments are checked before DJL or Python is loaded where they can be. Runs on the
 * calling thread, which is the training loop's.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train an agent; write metrics.csv, checkpoints/ and learning_curve.png into --out.")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--algo", description = "Algorithm: a2c, ddqn, ppo, a2c-lstm or sac; with --data bc, cql or banditnet (a contextual-bandit log)"
            + " (required unless --resume); ppo takes discrete or continuous actions, sac continuous ones.")
    String algo;

    @Option(names = "--env", description = "Env id, e.g. CartPole-v1, Acrobot-v1, CartPoleNoVelocity-v1, gym:<id>"
            + " (default: the algorithm's).")
    String env;

    @Option(names = "--kwarg", paramLabel = "KEY=VALUE", description = "A keyword argument of gymnasium.make for a"
            + " gym:<id> env, the value as JSON, e.g. --kwarg is_slippery=false --kwarg map_name=8x8 (repeatable).")
    List<String> kwargs = new ArrayList<>();

    @Option(names = "--steps", description = "Budget: env steps (default: the algorithm's, 500000); with --data,"
            + " updates (bc 2000, cql 10000, banditnet 4500: 1500 per lambda).")
    Long steps;

    @Option(names = "--seed", description = "Seed of envs, weights and sampling (default: 1).")
    Long seed;

    @Option(names = "--out", description = "Run directory (default: runs/<algo>-<env>-s<seed>).")
    Path out;

    @Option(names = "--mode", defaultValue = "same", description = "Rollout mode: same, single, multi or kafka"
            + " (collector processes started with rlplay collector; default: ${DEFAULT-VALUE}).")
    RolloutMode mode;

    @Option(names = "--collectors", defaultValue = "2", description = "Collector threads in --mode multi, collector"
            + " processes in --mode kafka; the algorithm's envs are split evenly over them (default: ${DEFAULT-VALUE}).")
    int collectors;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "--mode kafka: the Kafka broker (rlplay broker"
            + " starts one on this machine).")
    String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE", description = "--mode kafka: client properties (TLS, SASL,"
            + " ...), with bootstrap.servers unless --bootstrap is given.")
    Path kafkaConfig;

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
            + " without touching the env; --algo bc, cql or banditnet.")
    Path data;

    @Option(names = "--eval-episodes", defaultValue = "20", description = "With --data: greedy episodes to evaluate the"
            + " result on the dataset's env (default: ${DEFAULT-VALUE}).")
    int evalEpisodes;

    @Override
    public Integer call() {
        if (data != null) {
            return trainOffline(offlineAlgorithm());
        }
        Checkpoint from = resume == null ? null : Checkpoint.open(resume);
        String name = from == null ? algo : from.state().algo();
        if (name == null) {
            throw new UsageException("--algo is required (one of " + Algorithms.names(false) + ")");
        }
        if (from != null && algo != null && !algo.equals(name)) {
            throw new UsageException("--algo " + algo + " conflicts with the checkpoint in " + from.dir()
                    + ", which was trained with " + name);
        }
        if (from != null && (env != null && !env.equals(from.state().env().id()) || !kwargs.isEmpty())) {
            throw new UsageException("--env/--kwarg: the checkpoint in " + from.dir() + " continues on the env it was"
                    + " trained on, " + from.state().env());
        }
        Algorithm<?> a = Algorithms.get(name, () -> from != null ? from.state().actionSpace()
                : Envs.spaces(EnvSpec.parse(env != null ? env : Algorithms.get(name).defaultEnv(), kwargs))[1]);
        require(!a.offline(), "--algo " + name + " learns from a recorded dataset: give --data DIR (rlplay record"
                + " writes one)");
        return train(a, from);
    }

    private <H extends Record> int train(Algorithm<H> a, Checkpoint from) {
        EnvSpec envSpec = from != null ? from.state().env() : EnvSpec.parse(env != null ? env : a.defaultEnv(), kwargs);
        long runSeed = from != null ? from.state().seed() : seed != null ? seed : 1L;
        long budget = steps != null ? steps : from != null ? from.state().totalSteps() : a.defaultSteps();
        require(budget >= 1, "--steps must be >= 1, got " + budget);
        require(checkpointEvery >= 0, "--checkpoint-every must be >= 0, got " + checkpointEvery);
        if (from != null && from.state().envSteps() >= budget) {
            throw new UsageException("--steps " + budget + ": the checkpoint in " + from.dir() + " has already done "
                    + from.state().envSteps() + " env-steps; raise --steps to continue");
        }
        H base = from != null ? from.hyperparameters(a.hyperparameterType()) : a.defaults(envSpec.id());
        H h = Hyperparameters.override(base, sets);
        ActorRollouts.checkCollectors(mode, collectors, a.numEnvs(h));
        if (mode == RolloutMode.KAFKA) {
            require(bootstrap != null || kafkaConfig != null, "--mode kafka needs --bootstrap HOST:PORT (or --kafka-config FILE)");
            require(a.behaviourBlock() != null, "--mode kafka: " + a.name() + "'s behaviour follows the learner's schedule"
                    + " and cannot run in another process; use a2c or ppo");
            require(!envSpec.id().startsWith("gym:"), "--mode kafka: collector processes step native envs only, not "
                    + envSpec.id());
        }
        Progress.Style style = style();
        Path dir = out != null ? out : from != null ? runDirOf(from)
                : Path.of("runs", a.name() + "-" + envSpec.id().replace(':', '_') + "-s" + runSeed);
        Space[] spaces = from != null ? new Space[] {from.state().observationSpace(), from.state().actionSpace()}
                : Envs.spaces(envSpec);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Engine.getInstance().setRandomSeed((int) runSeed);
        try (Networks nets = networks(a, h, spaces, envSpec)) {
            if (from != null) {
                from.restore(nets);
                stdout.printf("resuming %s from %s (%,d env-steps, %,d updates)%n", a.name(), from.dir(),
                        from.state().envSteps(), from.state().updates());
            }
            stdout.printf("train %s on %s: %,d env-steps, seed %d, mode %s -> %s%n", a.name(), envSpec, budget, runSeed,
                    mode.label(), dir);
            stdout.println("hyperparameters: " + Hyperparameters.describe(h));
            stdout.flush();
            Run.Settings settings = new Run.Settings(a.name(), envSpec, runSeed, budget, dir, mode, collectors, h,
                    checkpointEvery, style, command(), null, kafka());
            try (Run run = new Run(settings, spaces, nets, () -> a.networks(h, spaces[0], spaces[1]), from, stderr)) {
                a.train(h, run);
                run.finish().lines().forEach(stdout::println);
                stdout.flush();
            }
        }
        return 0;
    }

    private Algorithm<?> offlineAlgorithm() {
        require(algo != null, "--data needs --algo, one of " + Algorithms.names(true));
        Algorithm<?> a = Algorithms.get(algo);
        require(a.offline(), "--algo " + algo + " learns online, from an env; with --data use one of "
                + Algorithms.names(true));
        require(resume == null && env == null && kwargs.isEmpty() && mode == RolloutMode.SAME, "--data trains from"
                + " the dataset alone: --resume, --env, --kwarg and --mode do not apply");
        require(evalEpisodes >= 1, "--eval-episodes must be >= 1, got " + evalEpisodes);
        return a;
    }

    /** {@code --data}: an offline algorithm on a recorded dataset, then a greedy evaluation on its env. */
    private <H extends Record> int trainOffline(Algorithm<H> a) {
        long runSeed = seed != null ? seed : 1L;
        long budget = steps != null ? steps : a.defaultSteps();
        require(budget >= 1, "--steps must be >= 1, got " + budget);
        require(checkpointEvery >= 0, "--checkpoint-every must be >= 0, got " + checkpointEvery);
        H h = Hyperparameters.override(a.defaults(null), sets);
        Progress.Style style = style();
        Path dir = out != null ? out : Path.of("runs", a.name() + "-offline-s" + runSeed);
        Dataset dataset = Dataset.open(data);
        EnvSpec envSpec = EnvSpec.of(dataset.envId(), dataset.attributes().get(RecordCommand.ENV_KWARGS));
        Space[] spaces = {dataset.spec().observationSpace(), dataset.spec().actionSpace()};
        // an imported log names an env that may not exist here: then there is nothing to evaluate on
        boolean hasEnv = envSpec.isGym() || EnvRegistry.contains(envSpec.id());
        if (hasEnv) {
            Space[] envSpaces = Envs.spaces(envSpec);
            dataset.requireSpaces(envSpaces[0], envSpaces[1]);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("train %s offline from %s (%s, %,d transitions in %d fragments, %d files): %,d updates, seed %d -> %s%n",
                a.name(), data, envSpec, dataset.transitions(), dataset.numFragments(), dataset.files().size(), budget, runSeed,
                dir);
        stdout.println("hyperparameters: " + Hyperparameters.describe(h));
        stdout.flush();
        Engine.getInstance().setRandomSeed((int) runSeed);
        try (Networks nets = networks(a, h, spaces, envSpec)) {
            Run.Settings settings = new Run.Settings(a.name(), envSpec, runSeed, budget, dir, RolloutMode.SAME, 1, h,
                    checkpointEvery, style, command(), data, null);
            try (Run run = new Run(settings, spaces, nets, null, null, spec.commandLine().getErr())) {
                a.train(h, run);
                run.finish().lines().forEach(stdout::println);
            }
            if (!hasEnv) {
                stdout.printf("no env '%s' here to evaluate on (an imported log): estimate the policy's value with"
                        + " rlplay ope --data %s --checkpoint %s%n", envSpec.id(), data, dir);
                stdout.flush();
                return 0;
            }
            Evaluation.Result r;
            try (Actor greedy = a.greedyActor(h, nets, spaces[1])) {
                r = Evaluation.run(envSpec, greedy, evalEpisodes, Math.min(10, evalEpisodes), runSeed + 1);
            }
            stdout.printf("evaluation on %s: %d greedy episodes, mean return %.2f +- %.2f%n", envSpec, r.episodes(),
                    r.meanReturn(), r.stdReturn());
            stdout.flush();
        }
        return 0;
    }

    /** The algorithm's networks for {@code spaces}; a space it cannot take is a usage error naming the env. */
    static <H extends Record> Networks networks(Algorithm<H> a, H h, Space[] spaces, EnvSpec env) {
        try {
            return a.networks(h, spaces[0], spaces[1]);
        } catch (UsageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--env " + env.id() + ": " + e.getMessage());
        }
    }

    private String command() {
        return "rlplay " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
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
            default: throw new UsageException("--progress: expected auto, bar, lines or off, got '" + progress + "'");
        }
    }

    /** The Kafka client settings of {@code --mode kafka}, or null. */
    private KafkaSettings kafka() {
        if (mode != RolloutMode.KAFKA) {
            return null;
        }
        return kafkaConfig != null ? KafkaSettings.load(kafkaConfig, bootstrap) : KafkaSettings.of(bootstrap);
    }
}
