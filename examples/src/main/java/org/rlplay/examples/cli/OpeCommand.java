package org.rlplay.examples.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rlplay.algos.ope.ActionProbabilities;
import org.rlplay.algos.ope.ImportanceSampling;
import org.rlplay.algos.ope.LoggedEpisodes;
import org.rlplay.env.space.Discrete;
import org.rlplay.examples.envs.EnvSpec;
import org.rlplay.examples.envs.Envs;
import org.rlplay.examples.offline.CheckpointPolicy;
import org.rlplay.examples.offline.EpsilonGreedyBehaviour;
import org.rlplay.examples.offline.GreedyProbabilities;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.fragment.Fragment;
import org.rlplay.record.Dataset;
import org.rlplay.record.ReplayOptions;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rlplay ope}: estimates the value of a checkpoint's policy (greedy, or epsilon-greedy with
 * {@code --target-epsilon}) from a recorded dataset alone, by ordinary and weighted per-decision
 * importance sampling with the behaviour probabilities the dataset logged, and prints them next to
 * the behaviour policy's own value and the estimated gain. With {@code --measure K} it also runs the
 * target policy for K episodes on the env and prints its measured value, to check the estimates.
 * Runs on the calling thread; owns and closes what it opens.
 */
@Command(name = "ope", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Off-policy evaluation of a checkpoint's policy from a recorded dataset.")
public final class OpeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The dataset directory.")
    Path data;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "The target policy's checkpoint.")
    Path checkpoint;

    @Option(names = "--target-epsilon", defaultValue = "0", description = "Evaluate the epsilon-greedy version of the"
            + " target (default: ${DEFAULT-VALUE}, the greedy policy).")
    double targetEpsilon;

    @Option(names = "--gamma", defaultValue = "0.99", description = "Discount of the evaluated returns (default: ${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--behaviour-info", defaultValue = EpsilonGreedyBehaviour.PROBS, description = "The actor info"
            + " column holding the behaviour's action probabilities (default: ${DEFAULT-VALUE}).")
    String behaviourInfo;

    @Option(names = "--measure", defaultValue = "0", paramLabel = "K", description = "Also run the target for K episodes"
            + " on the env and print its measured value (default: ${DEFAULT-VALUE}, off).")
    int measure;

    @Override
    public Integer call() {
        if (!(targetEpsilon >= 0 && targetEpsilon <= 1)) {
            throw new UsageException("--target-epsilon must be in [0, 1], got " + targetEpsilon);
        }
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new UsageException("--gamma must be in [0, 1], got " + gamma);
        }
        if (measure < 0) {
            throw new UsageException("--measure must be >= 0, got " + measure);
        }
        Dataset dataset = Dataset.open(data);
        EnvSpec env = EnvSpec.of(dataset.envId(), dataset.attributes().get(RecordCommand.ENV_KWARGS));
        if (!(dataset.spec().actionSpace() instanceof Discrete actions)) {
            throw new UsageException("--data " + data + ": ope needs a Discrete action space, the dataset has "
                    + dataset.spec().actionSpace());
        }
        PrintWriter out = spec.commandLine().getOut();
        try (CheckpointPolicy target = CheckpointPolicy.load(checkpoint, dataset.spec().observationSpace(), actions);
             GreedyProbabilities pi = new GreedyProbabilities(target.greedy(), actions, targetEpsilon)) {
            LoggedEpisodes log;
            try (Rollout replay = dataset.replay(ReplayOptions.once())) {
                log = LoggedEpisodes.collect(replay, ActionProbabilities.fromInfoProbabilities(behaviourInfo), pi);
            }
            ImportanceSampling.Estimate e = ImportanceSampling.estimate(log, gamma);
            out.printf("ope of %s (epsilon %.2f) from %s (%s, %d complete episodes), gamma %.3f%n",
                    target.checkpoint().dir(), targetEpsilon, data, env, e.episodes(), gamma);
            out.printf("  behaviour value (logged)          %10.3f%n", e.behaviourValue());
            out.printf("  target, ordinary per-decision IS  %10.3f   gain %+.3f%n", e.ordinary(), e.ordinaryGain());
            out.printf("  target, weighted per-decision IS  %10.3f   gain %+.3f%n", e.weighted(), e.weightedGain());
            out.printf("  effective episodes (final weights) %9.1f of %d%n", e.effectiveEpisodes(), e.episodes());
            if (measure > 0) {
                out.printf("  target, measured on the env       %10.3f   (%d episodes)%n",
                        measured(env, target, actions), measure);
            }
            out.flush();
        }
        return 0;
    }

    /** The target's mean discounted return over its first {@code measure} episodes run on the env. */
    private double measured(EnvSpec env, CheckpointPolicy target, Discrete actions) {
        ActionProbabilities same = (f, p) -> java.util.Arrays.fill(p, 1.0);
        LoggedEpisodes episodes;
        try (EpsilonGreedyBehaviour actor = new EpsilonGreedyBehaviour(target.greedy(), Envs.spaces(env)[0], actions,
                targetEpsilon, 4242);
             Rollout rollout = Rollouts.same(Envs.open(env, Math.min(16, measure)), actor,
                     RolloutConfig.builder().length(256).seed(4242).build())) {
            Iterable<Fragment> untilEnough = () -> new java.util.Iterator<>() {
                long ended;

                @Override
                public boolean hasNext() {
                    return ended < measure;
                }

                @Override
                public Fragment next() {
                    Fragment f = rollout.next();
                    ended += f.episodes().count();
                    return f;
                }
            };
            episodes = LoggedEpisodes.collect(untilEnough, same, same);
        }
        double sum = 0;
        for (int i = 0; i < measure; i++) {
            double discount = 1;
            for (int t = 0; t < episodes.length(i); t++) {
                sum += discount * episodes.reward(i, t);
                discount *= gamma;
            }
        }
        return sum / measure;
    }
}
