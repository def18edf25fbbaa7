package org.rlplay.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rlplay.actor.Actor;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.BatchStep;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.VecEnv;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * The engine's own cost: one fragment's worth (T = 128 batch steps) of raw batched CartPole
 * stepping, against a {@code same} rollout of one fragment with a trivial actor (constant action).
 * Both report microseconds per fragment; env-steps/s = T * N / time. The difference is everything
 * the engine adds besides stepping the envs and the actor's own computation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
@State(Scope.Thread)
public class EngineBenchmarks {
    static final int T = 128;

    @Param({"1", "64", "256"})
    public int numEnvs;

    private VecEnv raw;
    private ActionBatch actions;
    private BatchStep batch;
    private Rollout rollout;

    /** Pushes left on even envs and right on odd ones, written straight into the action batch. */
    static final Actor CONSTANT = (in, hx, virtual, out) -> {
        ActionBatch a = out.actions();
        for (int j = 0; j < in.numEnvs(); j++) {
            a.setDiscrete(j, j & 1);
        }
        return null;
    };

    @Setup(Level.Trial)
    public void setUp() {
        raw = EnvRegistry.makeVec("CartPole-v1", numEnvs);
        actions = new ActionBatch(raw.actionSpace(), numEnvs);
        for (int j = 0; j < numEnvs; j++) {
            actions.setDiscrete(j, j & 1);
        }
        batch = BatchStep.of(raw);
        raw.reset(seeds(numEnvs), batch);
        rollout = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", numEnvs), CONSTANT,
                RolloutConfig.builder().length(T).build());
    }

    static long[] seeds(int n) {
        long[] s = new long[n];
        for (int j = 0; j < n; j++) {
            s[j] = j;
        }
        return s;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        raw.close();
        rollout.close();
    }

    /** T batch steps of the bare VecEnv (with same-step autoreset), no engine. */
    @Benchmark
    public float rawStepping() {
        for (int t = 0; t < T; t++) {
            raw.step(actions, batch);
        }
        return ((float[]) batch.obs())[0];
    }

    /** One fragment from a {@code same} rollout with the constant actor. */
    @Benchmark
    public Fragment sameRolloutConstantActor() {
        return rollout.next();
    }

    /**
     * Raw stepping and the rollout, alternated fragment by fragment so both see the same machine
     * load; the time of each side is accumulated in {@link Paired}, whose ratio is the engine's
     * overhead measured in one run.
     */
    @Benchmark
    public Fragment pairedRawThenRollout(Paired paired) {
        long start = System.nanoTime();
        rawStepping();
        long mid = System.nanoTime();
        Fragment f = rollout.next();
        long end = System.nanoTime();
        paired.rawMicros += (mid - start) * 1e-3;
        paired.rolloutMicros += (end - mid) * 1e-3;
        return f;
    }

    /** Accumulated per-side times of {@link #pairedRawThenRollout}, reported by JMH as secondary results. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Paired {
        public double rawMicros;
        public double rolloutMicros;

        @Setup(Level.Iteration)
        public void clear() {
            rawMicros = 0;
            rolloutMicros = 0;
        }
    }
}
