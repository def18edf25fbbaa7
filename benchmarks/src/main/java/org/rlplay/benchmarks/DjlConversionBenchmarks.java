package org.rlplay.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rlplay.actor.Actor;
import org.rlplay.env.EnvRegistry;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * The DJL conversions the Actor contract implies, per batch step, measured apart from any network:
 * the observations as one (N, 4) NDArray (one bulk copy), the actions read back from an (N,) int64
 * NDArray (one bulk copy), an info array copied into the fragment, plus opening and closing the
 * step's NDManager scope. Compare with {@code EngineBenchmarks.sameRolloutConstantActor}, which
 * makes no conversion at all. Times per batch step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
@State(Scope.Thread)
public class DjlConversionBenchmarks {
    static final int T = 128;

    @Param({"64"})
    public int numEnvs;

    private Rollout rollout;

    /** Reads obs as an NDArray, writes actions from an NDArray, reports the obs as info. */
    static final Actor CONVERTING = (in, hx, virtual, out) -> {
        NDArray obs = in.obs();
        NDArray act = in.manager().zeros(new Shape(in.numEnvs()), DataType.INT64);
        out.info(new NDList(obs));
        out.actions(act);
        return null;
    };

    @Setup(Level.Trial)
    public void setUp() {
        rollout = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", numEnvs), CONVERTING,
                RolloutConfig.builder().length(T).build());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rollout.close();
    }

    /** One batch step (one fragment / T) with the conversions and the envs. */
    @Benchmark
    @OperationsPerInvocation(T)
    public Fragment sameRolloutWithConversions() {
        return rollout.next();
    }
}
