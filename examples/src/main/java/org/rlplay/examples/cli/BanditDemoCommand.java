package org.rlplay.examples.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.rlplay.algos.ope.ActionDistribution;
import org.rlplay.algos.ope.IntervalMethod;
import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.bandit.BanditEstimator;
import org.rlplay.algos.ope.bandit.BanditEvaluation;
import org.rlplay.algos.ope.bandit.CrossFittedRewardModel;
import org.rlplay.algos.ope.bandit.LoggedDecisions;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.bandit.Bandits;
import org.rlplay.env.bandit.ContextualBandit;
import org.rlplay.examples.offline.BanditLoggingPolicy;
import org.rlplay.examples.BanditNet;
import org.rlplay.examples.offline.OpeTable;
import org.rlplay.examples.usage.UsageException;
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
 * {@code rlplay bandit-demo}: the contextual-bandit demonstration, end to end from one log. It runs
 * a seeded {@link BanditLoggingPolicy} on {@code ContextualBandit-v0} (T = 1 fragments, the
 * propensities as actor info), reads the fragments back as logged decisions, learns a policy with
 * {@link BanditNet} from the first half of the log alone, and evaluates it with every bandit
 * estimator on the second half (a cross-fitted reward model for DM and the doubly robust ones,
 * Poisson-bootstrap intervals). It prints the true values the env computes exactly (behaviour,
 * learnt policy, best policy) and the estimates table, and writes the table as
 * {@code ope.csv}/{@code ope.json} to {@code --out}, and the two halves of the log as datasets
 * {@code train-log/} and {@code eval-log/} there, so that {@code train --data .../train-log --algo
 * banditnet} and {@code ope --data .../eval-log} repeat the demonstration from the command line.
 * Runs on the calling thread.
 */
@Command(name = "bandit-demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Log a contextual bandit, learn a policy from the log alone, and estimate its value off-policy.")
public final class BanditDemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--decisions", defaultValue = "200000", description = "Logged decisions (default: ${DEFAULT-VALUE}).")
    int decisions;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the log, the learner and the intervals"
            + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resamples", defaultValue = "1000", description = "Bootstrap resamples (default: ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--out", defaultValue = "runs/bandit-demo", paramLabel = "DIR",
            description = "Where ope.csv, ope.json and the log go: the halves as datasets train-log/ and eval-log/"
                    + " (default: ${DEFAULT-VALUE}).")
    Path out;

    private static final int ENVS = 100;
    /** The recorded halves of the log, under {@code --out}. */
    static final String TRAIN_LOG = "train-log";
    static final String EVAL_LOG = "eval-log";

    @Override
    public Integer call() {
        UsageException.require(decisions >= 2 * ENVS && decisions % (2 * ENVS) == 0, "--decisions must be a positive"
                + " multiple of " + 2 * ENVS + ", got " + decisions);
        PrintWriter stdout = spec.commandLine().getOut();
        long start = System.nanoTime();
        ContextualBandit world = Bandits.v0();
        int d = world.observationSpace().size();
        BanditLoggingPolicy behaviour = BanditLoggingPolicy.standard(world, d, seed);
        LoggedDecisions all = record(behaviour, decisions / ENVS);
        int half = all.log().size() / 2;
        LoggedDecisions train = all.rows(0, half);
        LoggedDecisions test = all.rows(half, all.log().size());
        stdout.printf("bandit-demo: %,d decisions of %s (K=%d, d=%d) logged by a seeded softmax policy (seed %d);"
                + " learn on %,d, evaluate on %,d%n", all.log().size(), Bandits.ID, world.actions(), d, seed, half,
                test.log().size());
        stdout.flush();
        BanditNet.Result learnt = BanditNet.train(train, BanditNet.defaults(), BanditNet.DEFAULT_STEPS, seed, stdout);
        try (NDManager manager = NDManager.newBaseManager();
             var nets = learnt.networks()) {
            ActionDistribution pi = ActionDistribution.fromLogitsBlock(nets.get("policy"), d, manager);
            double[] row = new double[world.actions()];
            double learntTrue = world.trueValue((x, o) -> {
                pi.probabilities(x, 1, row);
                double sum = 0;
                for (double p : row) {
                    sum += p;
                }
                for (int a = 0; a < row.length; a++) {
                    o[a] = row[a] / sum;
                }
            });
            BanditEvaluation e = BanditEvaluation.of(test.log(), test.target(pi));
            CrossFittedRewardModel model = CrossFittedRewardModel.fit(test.contexts(), d, test.log(),
                    CrossFittedRewardModel.Settings.defaults(seed));
            BanditEvaluation withModel = e.withRewardModel(model.predictions());
            IntervalMethod interval = IntervalMethod.bootstrap(resamples, 0.95, seed);
            List<OffPolicyEstimate> estimates = new ArrayList<>();
            for (String name : List.of("dm", "ips", "clipped-ips(10)", "snips", "dr", "sndr", "switch-dr(10)")) {
                estimates.add(BanditEstimator.byName(name).estimate(withModel, interval));
            }
            double logged = 0;
            for (int i = 0; i < test.log().size(); i++) {
                logged += test.log().reward(i) / test.log().size();
            }
            stdout.printf("true values (exact, from the env's reward function): behaviour %.4f, learnt policy %.4f"
                    + " (BanditNet, lambda %.2f), best policy %.4f; the evaluation half's mean reward %.4f%n",
                    world.trueValue(behaviour), learntTrue, learnt.lambda(), world.optimalValue(), logged);
            OpeTable table = new OpeTable(String.format("off-policy estimates of the learnt policy's value from the "
                    + "%,d evaluation decisions (true value %.4f)", test.log().size(), learntTrue), estimates);
            table.print(stdout);
            List<Path> written = table.write(out);
            stdout.printf("wrote %s and %s; %.0f s%n", written.get(0), written.get(1), (System.nanoTime() - start) / 1e9);
            stdout.flush();
        } catch (IOException x) {
            throw new UncheckedIOException("bandit-demo: cannot write the table to " + out, x);
        }
        return 0;
    }

    /**
     * Runs the behaviour on {@code ENVS} bandits for {@code fragments} T = 1 fragments and reads the
     * decisions; the first half of the fragments is also recorded into {@code out/train-log}, the
     * second half into {@code out/eval-log} (datasets for {@code train --data} and {@code ope}).
     */
    private LoggedDecisions record(BanditLoggingPolicy behaviour, int fragments) {
        Path trainLog = out.resolve(TRAIN_LOG);
        Path evalLog = out.resolve(EVAL_LOG);
        for (Path p : List.of(trainLog, evalLog)) {
            if (Files.exists(p)) {
                throw new UsageException("--out " + out + ": " + p + " exists already; remove it or give another --out");
            }
        }
        DatasetInfo info = DatasetInfo.of(Bandits.ID, seed, ENVS).with("behaviour", "BanditLoggingPolicy.standard(seed "
                + seed + ")").with("behaviour_probabilities", BanditLoggingPolicy.PROBS);
        RecorderOptions options = RecorderOptions.defaults().inline().withFragmentsPerFile(500);
        try (Rollout rollout = Rollouts.same(EnvRegistry.makeVec(Bandits.ID, ENVS), behaviour,
                RolloutConfig.builder().length(1).seed(seed).build());
             Recorder first = Recorder.create(trainLog, rollout.spec(), info, options);
             Recorder second = Recorder.create(evalLog, rollout.spec(), info, options)) {
            Iterable<Fragment> log = () -> new Iterator<>() {
                int taken;

                @Override
                public boolean hasNext() {
                    return taken < fragments;
                }

                @Override
                public Fragment next() {
                    Fragment f = rollout.next();
                    (taken < fragments / 2 ? first : second).write(f);
                    taken++;
                    return f;
                }
            };
            return LoggedDecisions.collect(log, BanditLoggingPolicy.PROBS);
        }
    }
}
