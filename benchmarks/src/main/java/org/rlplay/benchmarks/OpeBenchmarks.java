package org.rlplay.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.rlplay.algos.ope.bandit.ActionTable;
import org.rlplay.algos.ope.bandit.BanditEstimator;
import org.rlplay.algos.ope.bandit.BanditEvaluation;
import org.rlplay.algos.ope.bandit.BanditLog;
import org.rlplay.algos.ope.IntervalMethod;
import org.rlplay.algos.ope.OffPolicyEstimate;

/**
 * Off-policy estimator throughput over {@link #ROWS} = 10 M logged contextual-bandit decisions
 * (K = 4 actions, a softmax behaviour and target per row, Bernoulli rewards, a reward model's
 * predictions per row and action), in decisions per second (JMH's ops/s: every invocation counts
 * its 10 M rows). One JVM, one thread.
 *
 * <ul>
 *   <li>{@code evaluate}: building the {@link BanditEvaluation} that every estimator then shares
 *   (checking the n x K target and predictions row by row, weights, support, the model's value of
 *   the target);</li>
 *   <li>{@code ipsPoint} ... {@code sndrPoint}: a point estimate;</li>
 *   <li>{@code drNormal}: DR with its normal interval;</li>
 *   <li>{@code drBootstrap} and {@code sndrBootstrap}: with a Poisson bootstrap of
 *   {@link #RESAMPLES} resamples (one pass over the rows, {@code RESAMPLES} draws per row).</li>
 * </ul>
 * The inputs take about 1.3 GB (the two n x K tables are 320 MB each); the fork gets a 4 GB heap.
 * Run with {@code java -jar benchmarks/target/benchmarks.jar OpeBenchmarks}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class OpeBenchmarks {
    static final int ROWS = 10_000_000;
    static final int ACTIONS = 4;
    static final int RESAMPLES = 100;

    private BanditLog log;
    private ActionTable target;
    private ActionTable model;
    private BanditEvaluation evaluation;

    @Setup(Level.Trial)
    public void setUp() {
        BanditEvaluation[] whole = generate(new SplittableRandom(20240613), new int[] {ROWS});
        evaluation = whole[0];
        log = evaluation.log();
        target = evaluation.target();
        model = evaluation.rewardModel().orElseThrow();
    }

    /**
     * The benchmark's decisions, drawn in order from {@code random} and cut into consecutive
     * partitions of the given sizes: the same rows whatever the cut.
     */
    static BanditEvaluation[] generate(SplittableRandom random, int[] sizes) {
        BanditEvaluation[] parts = new BanditEvaluation[sizes.length];
        double[] mu = new double[ACTIONS];
        for (int p = 0; p < sizes.length; p++) {
            int rows = sizes[p];
            int[] action = new int[rows];
            double[] reward = new double[rows];
            double[] propensity = new double[rows];
            double[] pi = new double[rows * ACTIONS];
            double[] q = new double[rows * ACTIONS];
            for (int i = 0; i < rows; i++) {
                softmax(random, mu, 0, 1.0);
                for (int a = 0; a < ACTIONS; a++) {
                    mu[a] = 0.8 * mu[a] + 0.2 / ACTIONS;
                }
                softmax(random, pi, i * ACTIONS, 2.0);
                double u = random.nextDouble();
                int a = 0;
                double cdf = mu[0];
                while (u >= cdf && a < ACTIONS - 1) {
                    cdf += mu[++a];
                }
                action[i] = a;
                propensity[i] = mu[a];
                for (int b = 0; b < ACTIONS; b++) {
                    q[i * ACTIONS + b] = 0.2 + 0.6 * random.nextDouble();
                }
                reward[i] = random.nextDouble() < q[i * ACTIONS + a] ? 1 : 0;
            }
            parts[p] = BanditEvaluation.of(BanditLog.of(ACTIONS, action, reward, propensity),
                    ActionTable.wrap(ACTIONS, pi)).withRewardModel(ActionTable.wrap(ACTIONS, q));
        }
        return parts;
    }

    private static void softmax(SplittableRandom random, double[] out, int offset, double scale) {
        double total = 0;
        for (int a = 0; a < ACTIONS; a++) {
            out[offset + a] = Math.exp(scale * (random.nextDouble() - 0.5));
            total += out[offset + a];
        }
        for (int a = 0; a < ACTIONS; a++) {
            out[offset + a] /= total;
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public BanditEvaluation evaluate() {
        return BanditEvaluation.of(log, target).withRewardModel(model);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public double ipsPoint() {
        return BanditEstimator.ips().value(evaluation);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public double snipsPoint() {
        return BanditEstimator.snips().value(evaluation);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public double drPoint() {
        return BanditEstimator.dr().value(evaluation);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public double sndrPoint() {
        return BanditEstimator.sndr().value(evaluation);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public OffPolicyEstimate drNormal() {
        return BanditEstimator.dr().estimate(evaluation, IntervalMethod.normal(0.95));
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    @Measurement(iterations = 3, time = 30)
    public OffPolicyEstimate drBootstrap() {
        return BanditEstimator.dr().estimate(evaluation, IntervalMethod.bootstrap(RESAMPLES, 0.95, 1));
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    @Measurement(iterations = 3, time = 30)
    public OffPolicyEstimate sndrBootstrap() {
        return BanditEstimator.sndr().estimate(evaluation, IntervalMethod.bootstrap(RESAMPLES, 0.95, 1));
    }
}
