package org.rlplay.examples.cli;

import static org.rlplay.examples.usage.UsageException.require;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.rlplay.actor.Actor;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;
import org.rlplay.examples.envs.EnvSpec;
import org.rlplay.examples.envs.Envs;
import org.rlplay.examples.offline.CartPoleHeuristic;
import org.rlplay.examples.offline.CheckpointPolicy;
import org.rlplay.examples.offline.EpsilonGreedyBehaviour;
import org.rlplay.examples.train.Checkpoint;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;
import org.rlplay.record.DatasetInfo;
import org.rlplay.record.Recorder;
import org.rlplay.record.RecorderOptions;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rlplay record}: runs a behaviour policy (a checkpoint's greedy policy, or a built-in one)
 * with epsilon exploration on an env and records every fragment into a dataset directory, with the
 * behaviour's action probabilities as actor info {@code probs} (for {@code rlplay ope}). Prints the
 * dataset's size and the behaviour's mean return. Runs on the calling thread; owns and closes the
 * rollout, the recorder and the policy.
 */
@Command(name = "record", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Record a dataset: run a policy with exploration noise and write every fragment to --out.")
public final class RecordCommand implements Callable<Integer> {
    /** The dataset attribute holding the env's {@code --kwarg}s, as one JSON object. */
    public static final String ENV_KWARGS = "env_kwargs";

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The dataset directory: new, empty, or a"
            + " dataset of the same env and layout to append a run to (files go to today's date=YYYY-MM-DD/ partition).")
    Path out;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Behave greedily as this checkpoint (or run directory).")
    Path checkpoint;

    @Option(names = "--policy", description = "A built-in policy instead of --checkpoint: heuristic (CartPole-v1)"
            + " or random.")
    String policy;

    @Option(names = "--epsilon", defaultValue = "0.1", description = "Probability of a uniformly random action"
            + " (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--env", description = "Env id (default: the checkpoint's, else CartPole-v1).")
    String env;

    @Option(names = "--kwarg", paramLabel = "KEY=VALUE", description = "A keyword argument of gymnasium.make for a"
            + " gym:<id> env, the value as JSON (repeatable); recorded with the dataset.")
    List<String> kwargs = new ArrayList<>();

    @Option(names = "--steps", defaultValue = "100000", description = "Env steps to record (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--envs", defaultValue = "16", description = "Number of envs N (default: ${DEFAULT-VALUE}).")
    int numEnvs;

    @Option(names = {"-T", "--length"}, defaultValue = "128", description = "Fragment length T (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of envs and noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-fsync", description = "Do not force files to disk (survives a killed process, not a power loss).")
    boolean noFsync;

    @Override
    public Integer call() {
        require(steps >= 1 && numEnvs >= 1 && length >= 1, "--steps, --envs and --length must be >= 1");
        require(epsilon >= 0 && epsilon <= 1, "--epsilon must be in [0, 1], got " + epsilon);
        require((checkpoint == null) != (policy == null), "give exactly one of --checkpoint and --policy");
        CheckpointPolicy loaded = null;
        EnvSpec envSpec = env != null ? EnvSpec.parse(env, kwargs)
                : checkpoint != null && kwargs.isEmpty() ? Checkpoint.open(checkpoint).state().env()
                : EnvSpec.parse("CartPole-v1", kwargs);
        String envId = envSpec.id();
        Space[] spaces = Envs.spaces(envSpec);
        if (!(spaces[1] instanceof Discrete actions) || actions.start() != 0) {
            throw new UsageException("--env " + envId + ": record needs a Discrete(n) action space, this env has "
                    + spaces[1]);
        }
        Actor greedy;
        String behaviourName;
        if (checkpoint != null) {
            loaded = CheckpointPolicy.load(checkpoint, spaces[0], spaces[1]);
            greedy = loaded.greedy();
            behaviourName = "checkpoint " + loaded.checkpoint().dir();
        } else if (policy.equals("heuristic")) {
            require(envId.equals("CartPole-v1"), "--policy heuristic is for CartPole-v1, not " + envId);
            greedy = new CartPoleHeuristic();
            behaviourName = "heuristic";
        } else if (policy.equals("random")) {
            greedy = new CartPoleHeuristic();
            epsilon = 1;
            behaviourName = "random";
        } else {
            throw new UsageException("--policy: expected heuristic or random, got '" + policy + "'");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        DatasetInfo info = DatasetInfo.of(envId, seed, numEnvs).with("behaviour", behaviourName)
                .with(ENV_KWARGS, envSpec.kwargsJson())
                .with("epsilon", Double.toString(epsilon)).with("behaviour_probabilities", EpsilonGreedyBehaviour.PROBS);
        RecorderOptions options = RecorderOptions.defaults().withFsync(!noFsync);
        long episodes = 0;
        double returns = 0;
        long start = System.nanoTime();
        long collected;
        long fragments;
        int files;
        try (EpsilonGreedyBehaviour behaviour = new EpsilonGreedyBehaviour(greedy, spaces[0], actions, epsilon, seed);
             CheckpointPolicy owned = loaded) {
            try (Rollout rollout = Recorder.wrap(Rollouts.same(Envs.open(envSpec, numEnvs), behaviour,
                    RolloutConfig.builder().length(length).seed(seed).build()), out, info, options)) {
                while (rollout.envSteps() < steps) {
                    Fragment f = rollout.next();
                    Episodes e = f.episodes();
                    for (int i = 0; i < e.count(); i++) {
                        episodes++;
                        returns += e.episodeReturn(i);
                    }
                }
                collected = rollout.envSteps();
            }
            org.rlplay.record.Dataset written = org.rlplay.record.Dataset.open(out);
            fragments = written.numFragments();
            files = written.files().size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        stdout.printf("record %s on %s with epsilon %.2f -> %s%n", behaviourName, envSpec, epsilon, out);
        stdout.printf("  %,d env-steps (N=%d, T=%d), %.1f s; the dataset holds %d fragments in %d Parquet files%n",
                collected, numEnvs, length, seconds, fragments, files);
        stdout.printf("  %,d episodes finished: behaviour mean return %.2f%n", episodes,
                episodes == 0 ? Double.NaN : returns / episodes);
        stdout.flush();
        return 0;
    }
}
