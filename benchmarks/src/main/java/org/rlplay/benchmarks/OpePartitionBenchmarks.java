package org.rlplay.benchmarks;

import java.util.Arrays;
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
import org.rlplay.algos.ope.IntervalMethod;
import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.bandit.BanditEstimator;
import org.rlplay.algos.ope.bandit.BanditEvaluation;
import org.rlplay.algos.ope.bandit.BanditStatistics;

/**
 * The per-partition path of the bandit estimators over the same 10 M decisions as
 * {@link OpeBenchmarks} (the same rows, cut into {@link #PARTITIONS} partitions of 1 M): each
 * partition's {@link BanditStatistics} computed (what a Spark task does), then merged (what the
 * driver does), in decisions per second. Compared with {@code OpeBenchmarks.drBootstrap} /
 * {@code drNormal}, it shows what partitioning costs in one JVM; the merged estimate equals the
 * one-pass estimate (PartitionMergeTest). One thread. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar OpePartitionBenchmarks}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class OpePartitionBenchmarks {
    static final int PARTITIONS = 10;

    private BanditEvaluation[] partitions;

    @Setup(Level.Trial)
    public void setUp() {
        int[] sizes = new int[PARTITIONS];
        Arrays.fill(sizes, OpeBenchmarks.ROWS / PARTITIONS);
        partitions = OpeBenchmarks.generate(new SplittableRandom(20240613), sizes);
    }

    private OffPolicyEstimate merged(BanditEstimator estimator, IntervalMethod interval) {
        BanditStatistics total = null;
        long first = 0;
        for (BanditEvaluation p : partitions) {
            BanditStatistics s = estimator.statistics(p, first, interval);
            total = total == null ? s : total.merge(s);
            first += p.log().size();
        }
        return total.estimate();
    }

    @Benchmark
    @OperationsPerInvocation(OpeBenchmarks.ROWS)
    public OffPolicyEstimate drNormalPartitioned() {
        return merged(BanditEstimator.dr(), IntervalMethod.normal(0.95));
    }

    @Benchmark
    @OperationsPerInvocation(OpeBenchmarks.ROWS)
    @Measurement(iterations = 3, time = 30)
    public OffPolicyEstimate drBootstrapPartitioned() {
        return merged(BanditEstimator.dr(), IntervalMethod.bootstrap(OpeBenchmarks.RESAMPLES, 0.95, 1));
    }
}
