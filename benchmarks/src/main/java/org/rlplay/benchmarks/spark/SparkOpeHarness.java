package org.rlplay.benchmarks.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.rlplay.algos.ope.ActionDistribution;
import org.rlplay.algos.ope.ActionProbabilities;
import org.rlplay.algos.ope.EpisodeEstimator;
import org.rlplay.algos.ope.EpisodeEvaluation;
import org.rlplay.algos.ope.IntervalMethod;
import org.rlplay.algos.ope.LoggedEpisodes;
import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.bandit.BanditEstimator;
import org.rlplay.algos.ope.bandit.BanditEvaluation;
import org.rlplay.algos.ope.bandit.CrossFittedRewardModel;
import org.rlplay.algos.ope.bandit.LoggedDecisions;
import org.rlplay.env.space.Discrete;
import org.rlplay.record.Dataset;
import org.rlplay.record.ReplayOptions;
import org.rlplay.rollout.Rollout;
import org.rlplay.spark.DatasetFrames;
import org.rlplay.spark.SparkJobs;
import org.rlplay.spark.SparkOpe;

/**
 * The Spark figures of issues 10 and 13, paired on one dataset whose behaviour logged its
 * distribution as actor info {@code probs}. A bandit log (T = 1 fragments, e.g. {@code ./rlplay
 * record --env ContextualBandit-v0 --policy random -T 1 --envs 1000 --steps 10000000 --out DIR}): the
 * OPE job is ips and clipped-ips(10); episodes (e.g. {@code ./rlplay record --policy heuristic
 * --steps 5000000 --envs 64 --out DIR}): pdis; normal intervals, a plain-Java linear-softmax target.
 * A third argument names other bandit estimators (e.g. {@code dr}); those that need a reward model
 * fit {@link #MODEL} (on all decisions, on the driver for Spark) in every run.
 * The same job from the Parquet files to the estimates runs (1) in one JVM (Java reader,
 * {@link LoggedDecisions} or {@link LoggedEpisodes}, the single-JVM estimators), (2) with Spark
 * {@code local[1]} and (3) {@code local[2]} ({@link SparkOpe}). Each is run {@code repeats} times after one warm-up
 * run, the best kept; it prints decisions per second, the scaling ratio local[1]/local[2], the
 * overhead ratio Spark local[2] / one JVM, and checks that every estimate agrees to 1e-9 relative.
 * Run on the driver's thread; needs Spark's add-opens flags and the jars of examples/target/lib
 * (README, "Spark"):
 * <pre>
 *   java $SPARK_OPENS -Xmx8g -cp "examples/target/lib/*:benchmarks/target/benchmarks.jar" \
 *       org.rlplay.benchmarks.spark.SparkOpeHarness DIR [repeats [ESTIMATORS]]
 * </pre>
 */
public final class SparkOpeHarness {
    private static final List<String> IPS = List.of("ips", "clipped-ips(10)");
    /** The reward model of dm, dr, sndr and switch-dr here: one epoch of batches of 4096 (the fit is the driver's). */
    private static final CrossFittedRewardModel.Settings MODEL = new CrossFittedRewardModel.Settings(3, new int[] {32}, 1,
            4096, 3e-3f, 1);
    private static final List<String> EPISODES = List.of("pdis");
    private static final double GAMMA = 0.99;
    private static final IntervalMethod INTERVAL = IntervalMethod.normal(0.95);
    private static final LinearTarget TARGET = new LinearTarget(2.0, 7);

    private SparkOpeHarness() {
    }

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");   // before any logger exists
        }
        if (args.length < 1) {
            System.err.println("usage: SparkOpeHarness DATASET_DIR [repeats [ESTIMATORS]]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        List<String> banditEstimators = args.length > 2 ? List.of(args[2].split(",")) : IPS;
        Dataset opened = Dataset.open(dir);
        long decisions = opened.transitions();
        boolean bandit = opened.spec().length() == 1;
        System.out.printf("%s %s: %,d %s; %d core(s) available%n", bandit ? "bandit log" : "episodes", dir, decisions,
                bandit ? "decisions" : "steps", Runtime.getRuntime().availableProcessors());
        List<OffPolicyEstimate> java = null;
        double javaSeconds = Double.POSITIVE_INFINITY;
        for (int r = 0; r <= repeats; r++) {
            long t0 = System.nanoTime();
            java = bandit ? singleJvm(dir, banditEstimators) : singleJvmEpisodes(dir);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("  one JVM    run %d: %.1f s%n", r, s);
            javaSeconds = r == 0 ? javaSeconds : Math.min(javaSeconds, s);
        }
        double[] sparkSeconds = new double[3];
        for (int cores : new int[] {1, 2}) {
            SparkSession spark = SparkJobs.session("local[" + cores + "]");
            double best = Double.POSITIVE_INFINITY;
            try {
                for (int r = 0; r <= repeats; r++) {
                    long t0 = System.nanoTime();
                    DatasetFrames frames = DatasetFrames.open(spark, dir);
                    List<OffPolicyEstimate> spark1 = bandit
                            ? SparkOpe.bandit(frames, "probs", TARGET, banditEstimators, INTERVAL, MODEL)
                            : SparkOpe.episodes(frames, "probs", TARGET, GAMMA, EPISODES, INTERVAL, null);
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("  local[%d]   run %d: %.1f s%n", cores, r, s);
                    best = r == 0 ? best : Math.min(best, s);
                    agree(java, spark1);
                }
            } finally {
                spark.stop();
            }
            sparkSeconds[cores] = best;
        }
        System.out.println();
        System.out.println("| pipeline (Parquet to estimates, " + (bandit ? banditEstimators : EPISODES) + ") | seconds | "
                + (bandit ? "decisions" : "steps") + "/s |");
        System.out.println("| --- | ---: | ---: |");
        row("one JVM (Java reader, single-JVM estimators)", javaSeconds, decisions);
        row("Spark local[1]", sparkSeconds[1], decisions);
        row("Spark local[2]", sparkSeconds[2], decisions);
        System.out.printf("%nscaling local[1] / local[2]: %.2fx; overhead Spark local[2] / one JVM: %.2fx;"
                + " local[1] / one JVM: %.2fx%n", sparkSeconds[1] / sparkSeconds[2], sparkSeconds[2] / javaSeconds,
                sparkSeconds[1] / javaSeconds);
        for (OffPolicyEstimate e : java) {
            System.out.printf("  %s %.6f [%.6f, %.6f] (the same from Spark to 1e-9)%n", e.estimator(), e.value(), e.lower(),
                    e.upper());
        }
    }

    private static void row(String name, double seconds, long decisions) {
        System.out.printf("| %s | %.1f | %,.0f |%n", name, seconds, decisions / seconds);
    }

    /** The single-JVM pipeline: read every decision, the target at each context, the estimators. */
    static List<OffPolicyEstimate> singleJvm(Path dir, List<String> estimators) {
        Dataset dataset = Dataset.open(dir);
        LoggedDecisions decisions;
        try (Rollout replay = dataset.replay(ReplayOptions.once())) {
            decisions = LoggedDecisions.collect(replay, "probs");
        }
        ActionDistribution pi = TARGET.open(dataset.spec().observationSpace(), (Discrete) dataset.spec().actionSpace());
        BanditEvaluation e = BanditEvaluation.of(decisions.log(), decisions.target(pi));
        if (estimators.stream().anyMatch(name -> BanditEstimator.byName(name).needsRewardModel())) {
            e = e.withRewardModel(CrossFittedRewardModel.fit(decisions.contexts(), decisions.contextSize(), decisions.log(),
                    MODEL).predictions());
        }
        List<OffPolicyEstimate> out = new ArrayList<>();
        for (String name : estimators) {
            out.add(BanditEstimator.byName(name).estimate(e, INTERVAL));
        }
        return out;
    }

    /** The single-JVM episodic pipeline: replay, stitch episodes with both policies' ratios, the estimators. */
    static List<OffPolicyEstimate> singleJvmEpisodes(Path dir) {
        Dataset dataset = Dataset.open(dir);
        Discrete actions = (Discrete) dataset.spec().actionSpace();
        int d = dataset.spec().observationSpace().size();
        int k = actions.n();
        ActionDistribution pi = TARGET.open(dataset.spec().observationSpace(), actions);
        ActionProbabilities target = (f, out) -> {
            int n = f.numEnvs();
            float[] x = new float[f.length() * n * d];
            for (int t = 0; t < f.length(); t++) {
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < d; i++) {
                        x[(t * n + j) * d + i] = f.obs(t, j, i);
                    }
                }
            }
            double[] p = new double[f.length() * n * k];
            pi.probabilities(x, f.length() * n, p);
            for (int c = 0; c < f.length() * n; c++) {
                out[c] = p[c * k + (int) f.act(c / n + 1, c % n, 0)];
            }
        };
        LoggedEpisodes log;
        try (Rollout replay = dataset.replay(ReplayOptions.once())) {
            log = LoggedEpisodes.collect(replay, ActionProbabilities.fromInfoProbabilities("probs"), target);
        }
        EpisodeEvaluation e = EpisodeEvaluation.of(log, GAMMA);
        List<OffPolicyEstimate> out = new ArrayList<>();
        for (String name : EPISODES) {
            out.add(EpisodeEstimator.byName(name).estimate(e, INTERVAL));
        }
        return out;
    }

    private static void agree(List<OffPolicyEstimate> java, List<OffPolicyEstimate> spark) {
        for (int i = 0; i < java.size(); i++) {
            double a = java.get(i).value();
            double b = spark.get(i).value();
            if (Math.abs(a - b) > 1e-9 * Math.abs(a)) {
                throw new IllegalStateException(java.get(i).estimator() + ": one JVM " + a + ", Spark " + b);
            }
        }
    }
}
