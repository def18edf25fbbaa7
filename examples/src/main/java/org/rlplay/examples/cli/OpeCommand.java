package org.rlplay.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.rlplay.algos.ope.ActionProbabilities;
import org.rlplay.algos.ope.EpisodeEstimator;
import org.rlplay.algos.ope.EpisodeEvaluation;
import org.rlplay.algos.ope.FittedQEvaluation;
import org.rlplay.algos.ope.IntervalMethod;
import org.rlplay.algos.ope.LoggedEpisodes;
import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.bandit.BanditEstimator;
import org.rlplay.algos.ope.bandit.BanditEvaluation;
import org.rlplay.algos.ope.bandit.CrossFittedRewardModel;
import org.rlplay.algos.ope.bandit.LoggedDecisions;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.bandit.ContextualBandit;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;
import org.rlplay.examples.envs.EnvSpec;
import org.rlplay.examples.envs.Envs;
import org.rlplay.examples.offline.CheckpointPolicy;
import org.rlplay.examples.offline.EpsilonGreedyBehaviour;
import org.rlplay.examples.offline.GreedyDistribution;
import org.rlplay.examples.offline.OpeTable;
import org.rlplay.examples.train.BanditLogs;
import org.rlplay.examples.train.Checkpoint;
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
 * {@code --target-epsilon}) from a dataset alone and prints one table: estimator, estimate, interval,
 * effective sample size, largest and mean importance weight, warnings; the same table goes to
 * {@code ope.csv} and {@code ope.json} ({@link OpeTable}). The kind of dataset picks the estimators:
 * <ul>
 *   <li>a contextual-bandit log (every episode one step, {@link BanditLogs#isBanditLog}): DM, IPS,
 *   SNIPS, DR, SNDR, switch-DR and clipped IPS, with a cross-fitted reward model
 *   ({@link CrossFittedRewardModel}) and a Poisson bootstrap over decisions;</li>
 *   <li>an episodic dataset: PDIS, WPDIS, per-decision DR and WDR (on the cross-fitted fitted-Q
 *   model) and fitted-Q evaluation, with a bootstrap over episodes.</li>
 * </ul>
 * The behaviour's probabilities are the actor info {@code --behaviour-info} (for a bandit log the
 * imported {@code propensity} column when that one is missing). Bad input is one line (exit 2): a
 * log without propensities, propensities outside (0, 1], a checkpoint over other spaces than the
 * dataset's. Runs on the calling thread; owns and closes what it opens.
 */
@Command(name = "ope", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Off-policy evaluation of a checkpoint's policy from a dataset: one table of estimates with"
                + " intervals and diagnostics, also written as ope.csv and ope.json.")
public final class OpeCommand implements Callable<Integer> {
    /** The estimators for a contextual-bandit log, in the order of the table. */
    static final List<String> BANDIT = List.of("dm", "ips", "snips", "dr", "sndr", "switch-dr", "clipped-ips");
    /** The estimators for an episodic dataset, in the order of the table. */
    static final List<String> EPISODIC = List.of("pdis", "wpdis", "dr", "wdr", "fqe");
    /** The parameter of switch-dr and clipped-ips when none is given. */
    static final double DEFAULT_THRESHOLD = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The dataset directory (rlplay record,"
            + " rlplay import, rlplay bandit-demo).")
    Path data;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "The target policy's checkpoint"
            + " or run directory.")
    Path checkpoint;

    @Option(names = "--estimators", paramLabel = "LIST", description = "Comma-separated subset (default: all). Bandit"
            + " log: dm, ips, snips, dr, sndr, switch-dr, clipped-ips (switch-dr(TAU), clipped-ips(CAP); default 10)."
            + " Episodes: pdis, wpdis, dr, wdr, fqe.")
    String estimators;

    @Option(names = "--out", paramLabel = "DIR", description = "Where ope.csv and ope.json go (default: ope/ in the"
            + " checkpoint's run directory).")
    Path out;

    @Option(names = "--gamma", defaultValue = "0.99", description = "Discount of the evaluated returns (episodes;"
            + " default: ${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--target-epsilon", defaultValue = "0", description = "Evaluate the epsilon-greedy version of the"
            + " target (default: ${DEFAULT-VALUE}, the greedy policy).")
    double targetEpsilon;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the bootstrap, the folds and the models"
            + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bootstrap", defaultValue = "1000", paramLabel = "B", description = "Bootstrap resamples of the"
            + " 95%% intervals (default: ${DEFAULT-VALUE}; fqe refits 50 bootstrap members).")
    int resamples;

    @Option(names = "--behaviour-info", defaultValue = EpsilonGreedyBehaviour.PROBS, description = "The actor info"
            + " column holding the behaviour's action probabilities (default: ${DEFAULT-VALUE}; a bandit log without"
            + " it: propensity).")
    String behaviourInfo;

    @Option(names = "--measure", defaultValue = "0", paramLabel = "K", description = "Episodes: also run the target for"
            + " K episodes on the env and print its measured value (default: ${DEFAULT-VALUE}, off).")
    int measure;

    @Override
    public Integer call() {
        UsageException.require(targetEpsilon >= 0 && targetEpsilon <= 1, "--target-epsilon must be in [0, 1], got "
                + targetEpsilon);
        UsageException.require(gamma >= 0 && gamma <= 1, "--gamma must be in [0, 1], got " + gamma);
        UsageException.require(measure >= 0, "--measure must be >= 0, got " + measure);
        UsageException.require(resamples >= 2, "--bootstrap must be >= 2, got " + resamples);
        long start = System.nanoTime();
        Dataset dataset = Dataset.open(data);
        Space observations = dataset.spec().observationSpace();
        if (!(dataset.spec().actionSpace() instanceof Discrete actions) || actions.start() != 0) {
            throw new UsageException("--data " + data + ": ope needs a Discrete(K) action space from 0, the dataset has "
                    + dataset.spec().actionSpace());
        }
        Checkpoint target = Checkpoint.open(checkpoint);
        requireSpace("action", target.state().actionSpace(), actions, target);
        requireSpace("observation", target.state().observationSpace(), observations, target);
        boolean bandit = BanditLogs.isBanditLog(dataset);
        UsageException.require(!bandit || measure == 0, "--measure runs episodes on the env: --data " + data + " is a"
                + " contextual-bandit log (for ContextualBandit-v0, ope prints the target's exact value)");
        List<String> chosen = chosen(bandit);
        String column = bandit ? BanditLogs.behaviourColumn(dataset, data, behaviourInfo) : behaviourInfo;
        EnvSpec env = EnvSpec.of(dataset.envId(), dataset.attributes().get(RecordCommand.ENV_KWARGS));
        PrintWriter stdout = spec.commandLine().getOut();
        IntervalMethod interval = IntervalMethod.bootstrap(resamples, 0.95, seed);
        OpeTable table;
        try (CheckpointPolicy policy = CheckpointPolicy.load(checkpoint, observations, actions);
             GreedyDistribution pi = new GreedyDistribution(policy.greedy(), observations, actions, targetEpsilon)) {
            String what = String.format("ope of %s (%s, epsilon %.2f) from %s (%s)", target.dir(),
                    target.state().algo(), targetEpsilon, data, env);
            table = bandit ? bandit(what, dataset, column, pi, chosen, interval, env, stdout)
                    : episodic(what, dataset, pi, chosen, interval, stdout);
            if (!bandit && measure > 0) {
                stdout.printf("  target, measured on the env: %.4f (%d episodes)%n", measured(env, policy, actions), measure);
            }
        }
        Path dir = out != null ? out : runDirOf(target).resolve("ope");
        try {
            List<Path> written = table.write(dir);
            table.print(stdout);
            stdout.printf("wrote %s and %s; %.1f s%n", written.get(0), written.get(1), (System.nanoTime() - start) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the table to " + dir, e);
        }
        stdout.flush();
        return 0;
    }

    /** The estimators asked for, checked against the kind of dataset before anything is loaded. */
    private List<String> chosen(boolean bandit) {
        List<String> valid = bandit ? BANDIT : EPISODIC;
        if (estimators == null) {
            return valid;
        }
        Set<String> picked = new LinkedHashSet<>();
        for (String raw : estimators.split(",")) {
            String name = raw.replace(" ", "").toLowerCase(Locale.ROOT);
            boolean known = valid.contains(name) || bandit && name.matches("(switch-dr|clipped-ips)\\(.+\\)");
            if (known && bandit && name.contains("(")) {
                try {
                    BanditEstimator.byName(name);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--estimators: " + e.getMessage());
                }
            }
            if (!known) {
                throw new UsageException("--estimators: unknown estimator '" + raw.trim() + "' for " + (bandit
                        ? "a contextual-bandit log" : "an episodic dataset") + "; valid: " + String.join(", ", valid));
            }
            picked.add(name);
        }
        return List.copyOf(picked);
    }

    private static void requireSpace(String what, Space policy, Space dataset, Checkpoint c) {
        if (!policy.equals(dataset)) {
            throw new UsageException("--checkpoint " + c.dir() + ": the target policy's " + what + " space is " + policy
                    + ", the dataset's is " + dataset + "; evaluate a policy of this dataset's env");
        }
    }

    /** The bandit estimators on every logged decision, with a cross-fitted reward model where needed. */
    private OpeTable bandit(String what, Dataset dataset, String column, GreedyDistribution pi, List<String> chosen,
                            IntervalMethod interval, EnvSpec env, PrintWriter stdout) {
        LoggedDecisions decisions = BanditLogs.read(dataset, data, column);
        BanditEvaluation e = BanditEvaluation.of(decisions.log(), decisions.target(pi));
        List<BanditEstimator> picked = new ArrayList<>();
        for (String name : chosen) {
            picked.add(BanditEstimator.byName(name.contains("(") ? name : name.equals("switch-dr") || name.equals(
                    "clipped-ips") ? name + "(" + (int) DEFAULT_THRESHOLD + ")" : name));
        }
        if (picked.stream().anyMatch(BanditEstimator::needsRewardModel)) {
            CrossFittedRewardModel model = CrossFittedRewardModel.fit(decisions.contexts(), decisions.contextSize(),
                    decisions.log(), CrossFittedRewardModel.Settings.defaults(seed));
            e = e.withRewardModel(model.predictions());
        }
        double logged = 0;
        for (int i = 0; i < decisions.log().size(); i++) {
            logged += decisions.log().reward(i);
        }
        stdout.printf("%s: %,d logged decisions, K = %d, behaviour probabilities from '%s'%n", what,
                decisions.log().size(), decisions.log().actions(), column);
        stdout.printf("  behaviour value (the log's mean reward): %.4f%n", logged / decisions.log().size());
        if (EnvRegistry.contains(env.id())) {
            try (var probe = EnvRegistry.make(env.id())) {
                if (probe instanceof ContextualBandit world) {
                    double[] row = new double[world.actions()];
                    double exact = world.trueValue((x, o) -> {
                        pi.probabilities(x, 1, row);
                        System.arraycopy(row, 0, o, 0, row.length);
                    });
                    stdout.printf("  target's true value (exact, %s's reward function): %.4f (best policy %.4f)%n",
                            env.id(), exact, world.optimalValue());
                }
            }
        }
        List<OffPolicyEstimate> estimates = new ArrayList<>();
        for (BanditEstimator b : picked) {
            estimates.add(b.estimate(e, interval));
        }
        return new OpeTable(String.format("off-policy estimates from %,d decisions", decisions.log().size()), estimates);
    }

    /** The episode estimators on every complete episode, with the cross-fitted fitted-Q model where needed. */
    private OpeTable episodic(String what, Dataset dataset, GreedyDistribution pi, List<String> chosen,
                              IntervalMethod interval, PrintWriter stdout) {
        LoggedEpisodes log;
        try (Rollout replay = dataset.replay(ReplayOptions.once())) {
            log = LoggedEpisodes.collect(replay, behaviourInfo, pi);
        } catch (UsageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--data " + data + ": " + e.getMessage());
        }
        if (log.count() == 0) {
            throw new UsageException("--data " + data + ": the dataset holds no complete episode to evaluate with");
        }
        EpisodeEvaluation e = EpisodeEvaluation.of(log, gamma);
        stdout.printf("%s: %,d complete episodes, gamma %.3f%n", what, e.episodes(), gamma);
        stdout.printf("  behaviour value (the episodes' mean discounted return): %.4f%n", e.behaviourValue());
        boolean model = chosen.stream().anyMatch(n -> n.equals("dr") || n.equals("wdr") || n.equals("fqe"));
        FittedQEvaluation fqe = null;
        if (model) {
            try {
                fqe = FittedQEvaluation.fit(e, FittedQEvaluation.Settings.defaults(gamma, seed));
            } catch (IllegalArgumentException x) {
                throw new UsageException("--data " + data + ": " + x.getMessage());
            }
        }
        List<OffPolicyEstimate> estimates = new ArrayList<>();
        for (String name : chosen) {
            if (name.equals("fqe")) {
                estimates.add(fqe.estimate());
            } else {
                EpisodeEstimator estimator = EpisodeEstimator.byName(name);
                estimates.add(estimator.estimate(estimator.needsModel() ? fqe.crossFitted() : e, interval));
            }
        }
        return new OpeTable(String.format("off-policy estimates from %,d episodes (gamma %.3f)", e.episodes(), gamma),
                estimates);
    }

    /** The run directory a checkpoint belongs to: {@code <run>/checkpoints/<n>}, else the checkpoint's own. */
    private static Path runDirOf(Checkpoint c) {
        Path parent = c.dir().toAbsolutePath().getParent();
        return parent != null && parent.getFileName().toString().equals(Checkpoint.DIR) ? parent.getParent() : c.dir();
    }

    /** The target's mean discounted return over its first {@code measure} episodes run on the env. */
    private double measured(EnvSpec env, CheckpointPolicy target, Discrete actions) {
        ActionProbabilities same = (f, p) -> Arrays.fill(p, 1.0);
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
