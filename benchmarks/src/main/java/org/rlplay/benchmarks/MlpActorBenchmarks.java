package org.rlplay.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.util.concurrent.TimeUnit;
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
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.env.EnvRegistry;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * {@code same} rollout on native CartPole with a DJL 4-64-64-2 MLP categorical actor, against the
 * bare DJL forward pass of that MLP at the same batch size (what the actor cannot avoid). Times are
 * per batch step: {@code sameRolloutMlpActor} collects one fragment of T = 128 steps and JMH divides
 * by T; env-steps/s = N / time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
@State(Scope.Thread)
public class MlpActorBenchmarks {
    static final int T = 128;

    @Param({"8", "64", "256"})
    public int numEnvs;

    private NDManager manager;
    private SequentialBlock net;
    private ParameterStore parameters;
    private NDArray input;
    private Rollout rollout;

    @Setup(Level.Trial)
    public void setUp() {
        Engine.getInstance().setRandomSeed(0);
        manager = NDManager.newBaseManager();
        net = Mlp.of(2, true, 64, 64);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
        parameters = new ParameterStore(manager, false);
        input = manager.randomUniform(-1, 1, new Shape(numEnvs, 4));
        rollout = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", numEnvs), new CategoricalActor(net, 2, 0, false),
                RolloutConfig.builder().length(T).build());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rollout.close();
        manager.close();
    }

    /** The MLP's forward pass alone at batch N, in a closed sub-scope, logits read back to the host. */
    @Benchmark
    public float forwardOnly() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = input.duplicate();
            x.attach(scope);
            NDArray logits = net.forward(parameters, new NDList(x), false).singletonOrThrow();
            logits.attach(scope);
            return logits.toByteBuffer(true).getFloat(0);
        }
    }

    /** One batch step of the rollout (one fragment / T). */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(T)
    public Fragment sameRolloutMlpActor() {
        return rollout.next();
    }
}
