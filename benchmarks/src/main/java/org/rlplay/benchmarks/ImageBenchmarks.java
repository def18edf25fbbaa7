package org.rlplay.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import java.util.Arrays;
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
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.algos.policy.NatureCnn;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.Env;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * Image fragments: Atari-shaped frames (84 x 84 x 4, ALE's preprocessed observation) stored as
 * {@code uint8} against the same frames stored as {@code float32}, through a {@code same} rollout.
 * The envs copy each frame from a bank of 64 precomputed frames (an emulator hands its frame buffer
 * over the same way), so the measured cost is the engine's: writing the frames into the fragment
 * and handing them to the actor. Two actors: a constant one (storage and copies only) and the Nature
 * DQN torso ({@link NatureCnn}) behind a {@link CategoricalActor}, which casts uint8 to float itself.
 * The paired benchmarks alternate the two storage types fragment by fragment and accumulate each
 * side's time ({@link Paired}), with the bytes of every fragment's columns and the number of fragments
 * of each side (bytes per fragment = bytes / fragments). env-steps/s = fragments * T * N / time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
        "-Dai.djl.pytorch.num_interop_threads=1", "-Xmx4g"})
@State(Scope.Thread)
public class ImageBenchmarks {
    static final int T = 32;
    static final int H = 84;
    static final int W = 84;
    static final int C = 4;
    static final int FRAME = H * W * C;
    static final int BANK = 64;

    @Param({"16"})
    public int numEnvs;

    private NDManager manager;
    private Rollout bytesConstant;
    private Rollout floatsConstant;
    private Rollout bytesCnn;
    private Rollout floatsCnn;

    static Space space(ElementType type) {
        float[] low = new float[FRAME];
        float[] high = new float[FRAME];
        Arrays.fill(high, 255f);
        return new Box(low, high, new int[] {H, W, C}, type);
    }

    /**
     * Frames copied from a bank of {@value #BANK} precomputed ones; episodes of 1000 steps. {@code O} is
     * {@code byte[]} for uint8 frames, {@code float[]} for the same pixel values stored as float32.
     */
    static final class Frames<O> implements Env<O> {
        private final Space space;
        private final Object bank;
        private int step;

        Frames(ElementType type) {
            this.space = space(type);
            this.bank = type.allocate(BANK * FRAME);
            for (int i = 0; i < BANK * FRAME; i++) {
                int pixel = (int) ((i * 2654435761L >>> 24) & 0xff);
                if (bank instanceof byte[] b) {
                    b[i] = (byte) pixel;
                } else {
                    ((float[]) bank)[i] = pixel;
                }
            }
        }

        @Override
        public Space observationSpace() {
            return space;
        }

        @Override
        public Space actionSpace() {
            return new Discrete(6);
        }

        @Override
        public void reset(long seed, O obs, int off) {
            reset(obs, off);
        }

        @Override
        public void reset(O obs, int off) {
            step = 0;
            System.arraycopy(bank, 0, obs, off, FRAME);
        }

        @Override
        public void step(ActionBatch actions, int index, O obs, int off, Transition out) {
            step++;
            System.arraycopy(bank, (step % BANK) * FRAME, obs, off, FRAME);
            out.set(actions.discrete(index) == 0 ? 1f : 0f, step >= 1000, false);
        }
    }

    static final Actor CONSTANT = (in, hx, virtual, out) -> {
        ActionBatch a = out.actions();
        for (int j = 0; j < in.numEnvs(); j++) {
            a.setDiscrete(j, j % 6);
        }
        return null;
    };

    @Setup(Level.Trial)
    public void setUp() {
        Engine.getInstance().setRandomSeed(0);
        manager = NDManager.newBaseManager();
        SequentialBlock cnn = NatureCnn.of(6);
        cnn.initialize(manager, DataType.FLOAT32, new Shape(1, H, W, C));
        RolloutConfig config = RolloutConfig.builder().length(T).build();
        bytesConstant = Rollouts.same(SerialVecEnv.of(numEnvs, () -> new Frames<>(ElementType.UINT8)), CONSTANT, config);
        floatsConstant = Rollouts.same(SerialVecEnv.of(numEnvs, () -> new Frames<>(ElementType.FLOAT32)), CONSTANT, config);
        bytesCnn = Rollouts.same(SerialVecEnv.of(numEnvs, () -> new Frames<>(ElementType.UINT8)),
                new CategoricalActor(cnn, 6, 1, false), config);
        floatsCnn = Rollouts.same(SerialVecEnv.of(numEnvs, () -> new Frames<>(ElementType.FLOAT32)),
                new CategoricalActor(cnn, 6, 1, false), config);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bytesConstant.close();
        floatsConstant.close();
        bytesCnn.close();
        floatsCnn.close();
        manager.close();
    }

    private static long bytes(Fragment f) {
        long total = 0;
        for (Column c : f.columns()) {
            total += (long) java.lang.reflect.Array.getLength(c.array()) * c.type().bytes();
        }
        return total;
    }

    private static Fragment paired(Rollout bytes, Rollout floats, Paired paired) {
        long start = System.nanoTime();
        Fragment b = bytes.next();
        long mid = System.nanoTime();
        Fragment f = floats.next();
        long end = System.nanoTime();
        paired.uint8Micros += (mid - start) * 1e-3;
        paired.float32Micros += (end - mid) * 1e-3;
        paired.uint8Bytes += bytes(b);
        paired.float32Bytes += bytes(f);
        paired.fragments++;
        return f;
    }

    /** One uint8 and one float32 fragment with the constant actor. */
    @Benchmark
    public Fragment pairedConstantActor(Paired paired) {
        return paired(bytesConstant, floatsConstant, paired);
    }

    /** One uint8 and one float32 fragment with the Nature-CNN categorical actor. */
    @Benchmark
    public Fragment pairedCnnActor(Paired paired) {
        return paired(bytesCnn, floatsCnn, paired);
    }

    /** Per-side times and fragment sizes of the paired benchmarks, reported as secondary results. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Paired {
        public double uint8Micros;
        public double float32Micros;
        public long uint8Bytes;
        public long float32Bytes;
        public long fragments;

        @Setup(Level.Iteration)
        public void clear() {
            uint8Micros = 0;
            float32Micros = 0;
            uint8Bytes = 0;
            float32Bytes = 0;
            fragments = 0;
        }
    }
}
