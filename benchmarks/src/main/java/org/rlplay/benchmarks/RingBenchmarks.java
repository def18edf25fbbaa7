package org.rlplay.benchmarks;

import ai.djl.pytorch.jni.JniUtils;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.rlplay.benchmarks.ring.RolloutRig;
import org.rlplay.benchmarks.ring.SimulatedUpdate;
import org.rlplay.fragment.Fragment;

/**
 * Decoupled collection ({@code single}, {@code multi}) against {@code same} on native CartPole.
 *
 * <p>{@link #learnerLoop}: the training loop of every mode, {@code next(); update(); publish()},
 * with a DJL 4-64-64-2 MLP categorical actor, N = 16 envs, T = 128, in env-steps/s. {@code update}
 * is the cost of the simulated learner update in units of one fragment's {@code same}-mode
 * collection (0: no update; 1: a DJL matmul loop calibrated, at trial start, to the CPU time of one
 * fragment's collection measured on the same thread; CPU rather than wall time, so that the load of
 * a shared machine does not change the workload from trial to trial). Each trial prints the
 * learner's mean wait per fragment (time inside {@code next()}), the mean policy lag and the
 * calibrated costs, over the measurement iterations.
 *
 * <p>{@link #paired}: {@code same} and a ring mode in alternating blocks within one trial, with
 * the update costing one fragment's collection; the printed summary gives the throughput ratio
 * measured under the same machine load (the figure to quote on a shared machine).
 *
 * <p>{@link #handOff}: one fragment of T = 1, N = 1 with a constant actor through each mode
 * ({@code multi2}: two collectors of one env each, fragments handed out one by one), in
 * microseconds: for the ring modes the time above {@code same} is the hand-off cost (claim,
 * publish, wake-ups, release). Run with {@code -prof gc} for the allocation per fragment.
 */
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
    "-Dai.djl.pytorch.num_interop_threads=1"})
public class RingBenchmarks {
    static final int T = 128;
    static final int N = 16;

    /** The training loop's state: a rollout of one mode and the simulated update. */
    @State(Scope.Thread)
    public static class Learner {
        @Param({"same", "single", "multi1", "multi2"})
        public String mode;

        /** Simulated update cost, in fragments' collection (CPU time). */
        @Param({"0", "1"})
        public int update;

        RolloutRig rig;
        SimulatedUpdate work;
        long collectNanos;
        boolean recording;
        long fragments;
        long waitNanos;
        long lagSum;
        long loopNanos;
        long loopStart;

        @Setup(Level.Trial)
        public void setUp() {
            collectNanos = sameModeCollectionNanos();
            work = update == 0 ? null : SimulatedUpdate.calibrated(update * collectNanos);
            rig = RolloutRig.mlp(mode, N, T);
        }

        /** Mean CPU time to collect one fragment in {@code same} mode, on this thread, after a warm-up. */
        private static long sameModeCollectionNanos() {
            try (RolloutRig same = RolloutRig.mlp("same", N, T)) {
                for (int k = 0; k < 10; k++) {
                    same.rollout.next();
                }
                long start = SimulatedUpdate.cpuNanos();
                for (int k = 0; k < 20; k++) {
                    same.rollout.next();
                }
                return (SimulatedUpdate.cpuNanos() - start) / 20;
            }
        }

        @Setup(Level.Iteration)
        public void startIteration(IterationParams iteration) {
            recording = iteration.getType() == IterationType.MEASUREMENT;
            loopStart = System.nanoTime();
        }

        @TearDown(Level.Iteration)
        public void endIteration() {
            if (recording) {
                loopNanos += System.nanoTime() - loopStart;
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            System.out.printf("%n[ring] mode=%s update=%d: %d fragments measured; learner wait %.0f us/fragment"
                            + " (%.0f%% of the loop); mean policy lag %.2f; same-mode collection %.0f us CPU/fragment;"
                            + " simulated update %.0f us CPU%n",
                    mode, update, fragments, fragments == 0 ? 0 : waitNanos / 1e3 / fragments,
                    loopNanos == 0 ? 0 : 100.0 * waitNanos / loopNanos, fragments == 0 ? 0 : (double) lagSum / fragments,
                    collectNanos / 1e3, work == null ? 0 : work.calibratedNanos() / 1e3);
            rig.close();
            if (work != null) {
                work.close();
            }
        }
    }

    /** One learner iteration: take a fragment, update, publish the weights. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(T * N)
    public long learnerLoop(Learner s) {
        long start = System.nanoTime();
        Fragment f = s.rig.rollout.next();
        long waited = System.nanoTime() - start;
        if (s.recording) {
            s.fragments++;
            s.waitNanos += waited;
            s.lagSum += s.rig.rollout.lag(f);
        }
        if (s.work != null) {
            s.work.run();
        }
        s.rig.rollout.publish();
        return f.sequence();
    }

    /** Blocks of {@link #BLOCK} learner iterations alternate between {@code same} and a ring mode. */
    static final int BLOCK = 16;
    /** Iterations at the start of a block left out of its timing (K = 4: the ring's refill). */
    static final int SKIP = 4;

    /**
     * {@code same} and one ring mode open side by side, used in alternating blocks so that both see
     * the same machine load: on a shared machine the load drifts between separate trials far more
     * than the difference being measured. The first {@link #SKIP} iterations of each block are not
     * timed: a ring rollout refills its slots while {@code same} runs and hands them out at once.
     * A third turn measures the parallelism the machine offers at the time (see {@link #paired}).
     */
    @State(Scope.Thread)
    public static class Paired {
        @Param({"single", "multi2"})
        public String mode;

        /** Simulated update cost, in fragments' collection (CPU time). */
        @Param({"1"})
        public int update;

        RolloutRig same;
        RolloutRig ring;
        SimulatedUpdate work;
        SimulatedUpdate helperWork;
        long collectNanos;
        boolean recording;
        int turn;
        final long[] nanos = new long[2];
        final long[] fragments = new long[2];
        final long[] waitNanos = new long[2];
        long ringLagSum;
        long referenceSerialNanos;
        long referenceParallelNanos;

        @Setup(Level.Trial)
        public void setUp() {
            collectNanos = Learner.sameModeCollectionNanos();
            work = SimulatedUpdate.calibrated(Math.max(1, update) * collectNanos);
            helperWork = SimulatedUpdate.calibrated(Math.max(1, update) * collectNanos);
            same = RolloutRig.mlp("same", N, T);
            ring = RolloutRig.mlp(mode, N, T);
        }

        @Setup(Level.Iteration)
        public void startIteration(IterationParams iteration) {
            recording = iteration.getType() == IterationType.MEASUREMENT;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            double sameUs = nanos[0] / 1e3 / Math.max(1, fragments[0]);
            double ringUs = nanos[1] / 1e3 / Math.max(1, fragments[1]);
            System.out.printf("%n[ring] paired same vs %s, update=%d: same %.0f us/fragment (wait %.0f), %s %.0f us/fragment"
                            + " (wait %.0f, mean lag %.2f) over %d + %d timed fragments: %s/same throughput = %.2fx;"
                            + " same-mode collection %.0f us CPU/fragment, simulated update %.0f us CPU;"
                            + " two-thread speedup of the update alone (available parallelism) = %.2fx%n",
                    mode, update, sameUs, waitNanos[0] / 1e3 / Math.max(1, fragments[0]), mode, ringUs,
                    waitNanos[1] / 1e3 / Math.max(1, fragments[1]), (double) ringLagSum / Math.max(1, fragments[1]),
                    fragments[0], fragments[1], mode, sameUs / ringUs, collectNanos / 1e3,
                    update == 0 ? 0 : work.calibratedNanos() / 1e3,
                    (double) referenceSerialNanos / Math.max(1, referenceParallelNanos));
            same.close();
            ring.close();
            work.close();
            helperWork.close();
        }

        /**
         * The machine's parallelism right now: {@code W} runs of the update on this thread and
         * {@code W} on a helper thread, one after the other and then at the same time.
         */
        void measureReference(int w) {
            long start = System.nanoTime();
            for (int k = 0; k < w; k++) {
                work.run();
            }
            for (int k = 0; k < w; k++) {
                helperWork.run();
            }
            long serial = System.nanoTime() - start;
            Thread helper = new Thread(() -> {
                JniUtils.setNumThreads(1);
                for (int k = 0; k < w; k++) {
                    helperWork.run();
                }
            }, "rlplay-benchmark-reference");
            start = System.nanoTime();
            helper.start();
            for (int k = 0; k < w; k++) {
                work.run();
            }
            try {
                helper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            long parallel = System.nanoTime() - start;
            if (recording) {
                referenceSerialNanos += serial;
                referenceParallelNanos += parallel;
            }
        }
    }

    /**
     * In turn: one block of {@link #BLOCK} learner iterations ({@code next(); update(); publish()})
     * in {@code same}, one in the ring mode, and a reference measurement of the machine's available
     * parallelism (the update run on two threads at once against one after the other). The score
     * mixes all three and means little; the trial's printed summary gives each mode's time per
     * fragment, their ratio, and the reference speedup, all measured under the same load.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BLOCK * T * N)
    public long paired(Paired s) {
        int turn = s.turn;
        s.turn = (turn + 1) % 3;
        if (turn == 2) {
            s.measureReference(BLOCK - SKIP);
            return 0;
        }
        RolloutRig rig = turn == 0 ? s.same : s.ring;
        long start = 0;
        long waited = 0;
        long lag = 0;
        long last = 0;
        for (int k = 0; k < BLOCK; k++) {
            if (k == SKIP) {
                start = System.nanoTime();
            }
            long before = System.nanoTime();
            Fragment f = rig.rollout.next();
            if (k >= SKIP) {
                waited += System.nanoTime() - before;
                lag += rig.rollout.lag(f);
            }
            if (s.update > 0) {
                s.work.run();
            }
            last = rig.rollout.publish();
        }
        if (s.recording) {
            s.nanos[turn] += System.nanoTime() - start;
            s.fragments[turn] += BLOCK - SKIP;
            s.waitNanos[turn] += waited;
            if (turn == 1) {
                s.ringLagSum += lag;
            }
        }
        return last;
    }

    /** A rollout of tiny fragments with a constant actor. */
    @State(Scope.Thread)
    public static class HandOff {
        @Param({"same", "single", "multi2"})
        public String mode;

        RolloutRig rig;

        @Setup(Level.Trial)
        public void setUp() {
            rig = RolloutRig.trivial(mode, mode.equals("multi2") ? 2 : 1, 1);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            rig.close();
        }
    }

    /** One fragment (T = 1, N = 1 per fragment) through the mode. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Fragment handOff(HandOff s) {
        return s.rig.rollout.next();
    }
}
