package org.rlplay.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.rlplay.actor.Actor;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.env.EnvRegistry;
import org.rlplay.fragment.Fragment;
import org.rlplay.record.Compression;
import org.rlplay.record.DatasetInfo;
import org.rlplay.record.Recorder;
import org.rlplay.record.RecorderOptions;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * The cost of recording: a {@code same} rollout over native CartPole at N = 64, T = 128, without a
 * recorder ({@code off}) and wrapped by {@link Recorder#wrap} writing every fragment as a Parquet
 * row group, either on the recorder's background writer thread with the default options
 * ({@code background}: 8 fragments per file, snappy, no fsync: safe against a killed process), with
 * zstd or no compression instead ({@code background-zstd}, {@code background-uncompressed}), with
 * fsync as well ({@code background-fsync}, also safe against power loss), or inline on the
 * collecting thread ({@code inline}).
 * Two actors: {@code constant} (no DJL, the cheapest collection there is, so the worst case for
 * the recorder's relative cost) and {@code mlp} (a DJL 4-64-64-2 categorical actor whose logits are recorded as actor info). Times are
 * per batch step (one fragment / T); the recording overhead is {@code time(mode) / time(off) - 1}.
 *
 * <p>{@link #pairedPlainAndRecorded} measures the overhead robustly on a noisy shared machine: two
 * identical rollouts, one plain and one recorded in the {@code recorder} mode (with
 * {@code recorder = off} both are plain: an A/A control of the method's own bias), run in
 * alternating blocks of {@link #BLOCK} fragments so both see the same load; the recorded block ends
 * with {@link Recorder#flush}, which completes the block's file (8 fragments, the default file), so
 * the writer thread's work is charged to the recorded side rather than leaking into the next plain
 * block. The per-side times are accumulated in
 * {@link PairedTimes}; {@code report.py} prints recorded / plain.
 *
 * <p>Each iteration records into a fresh temporary directory, deleted at the iteration's end (the
 * recorder's close, which completes at most one file, is outside the measured time). Bytes on disk
 * per env step are {@link DatasetBytes}' figure; the reader's rows per second {@link ReadBenchmarks}'.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
@State(Scope.Thread)
public class RecordBenchmarks {
    static final int T = 128;
    /** Fragments per side in one invocation of {@link #pairedPlainAndRecorded}. */
    static final int BLOCK = 8;

    @Param({"64"})
    public int numEnvs;

    @Param({"constant", "mlp"})
    public String actor;

    @Param({"off", "background", "background-zstd", "background-uncompressed", "background-fsync", "inline"})
    public String recorder;

    private NDManager manager;
    private Actor policy;
    private Path dir;
    private Rollout rollout;
    private Rollout plain;
    private Recorder pairedRecorder;
    private long pairedInvocations;
    private Fragment last;

    @Setup(Level.Trial)
    public void setUpActor() {
        if (actor.equals("mlp")) {
            Engine.getInstance().setRandomSeed(0);
            manager = NDManager.newBaseManager();
            SequentialBlock net = Mlp.of(2, true, 64, 64);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
            policy = new CategoricalActor(net, 2, 0, false);
        } else {
            policy = EngineBenchmarks.CONSTANT;
        }
    }

    @Setup(Level.Iteration)
    public void setUp(BenchmarkParams params) throws IOException {
        rollout = newRollout();
        boolean paired = params.getBenchmark().endsWith("pairedPlainAndRecorded");
        if (paired) {
            plain = newRollout();
        }
        if (!recorder.equals("off")) {
            dir = Files.createTempDirectory("rlplay-record-bench").resolve("data");
            RecorderOptions options = switch (recorder) {
                case "background" -> RecorderOptions.defaults();
                case "background-zstd" -> RecorderOptions.defaults().withCompression(Compression.ZSTD);
                case "background-uncompressed" -> RecorderOptions.defaults().withCompression(Compression.UNCOMPRESSED);
                case "background-fsync" -> RecorderOptions.defaults().withFsync(true);
                case "inline" -> RecorderOptions.defaults().inline();
                default -> throw new IllegalArgumentException("recorder: unknown mode " + recorder);
            };
            DatasetInfo info = DatasetInfo.of("CartPole-v1", 0, numEnvs);
            if (paired) {
                pairedRecorder = Recorder.create(dir, rollout.spec(), info, options);
            } else {
                rollout = Recorder.wrap(rollout, dir, info, options);
            }
        }
    }

    private Rollout newRollout() {
        return Rollouts.same(EnvRegistry.makeVec("CartPole-v1", numEnvs), policy,
                RolloutConfig.builder().length(T).build());
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        if (pairedRecorder != null) {
            pairedRecorder.close();
            pairedRecorder = null;
        }
        if (plain != null) {
            plain.close();
            plain = null;
        }
        rollout.close();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir.getParent())) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            dir = null;
        }
    }

    @TearDown(Level.Trial)
    public void tearDownActor() {
        if (manager != null) {
            manager.close();
        }
    }

    /** One batch step of the rollout (one fragment / T), recorded or not. */
    @Benchmark
    @OperationsPerInvocation(T)
    public Fragment sameRollout() {
        return rollout.next();
    }

    /**
     * One block of {@link #BLOCK} fragments from the plain rollout and one from the recorded one
     * (the order alternates between invocations); each side's time goes to {@link PairedTimes}.
     * The primary score is the mean time per batch step over both sides.
     */
    @Benchmark
    @OperationsPerInvocation(2 * BLOCK * T)
    public Fragment pairedPlainAndRecorded(PairedTimes times) {
        if ((pairedInvocations++ & 1) == 0) {
            times.plainMicros += plainBlock();
            times.recordedMicros += recordedBlock();
        } else {
            times.recordedMicros += recordedBlock();
            times.plainMicros += plainBlock();
        }
        return last;
    }

    private double plainBlock() {
        long start = System.nanoTime();
        for (int k = 0; k < BLOCK; k++) {
            last = plain.next();
        }
        return (System.nanoTime() - start) * 1e-3;
    }

    /** BLOCK fragments of {@code rollout}, written by the paired recorder (if any) and flushed. */
    private double recordedBlock() {
        long start = System.nanoTime();
        for (int k = 0; k < BLOCK; k++) {
            Fragment f = rollout.next();
            if (pairedRecorder != null) {
                pairedRecorder.write(f);
            }
        }
        if (pairedRecorder != null) {
            pairedRecorder.flush();
        }
        return (System.nanoTime() - start) * 1e-3;
    }

    /** Accumulated per-side times of {@link #pairedPlainAndRecorded}, reported by JMH as secondary results. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class PairedTimes {
        public double plainMicros;
        public double recordedMicros;

        @Setup(Level.Iteration)
        public void clear() {
            plainMicros = 0;
            recordedMicros = 0;
        }
    }
}
