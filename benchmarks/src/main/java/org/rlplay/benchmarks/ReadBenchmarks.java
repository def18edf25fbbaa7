package org.rlplay.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.rlplay.env.EnvRegistry;
import org.rlplay.fragment.Fragment;
import org.rlplay.record.Compression;
import org.rlplay.record.Dataset;
import org.rlplay.record.DatasetInfo;
import org.rlplay.record.Recorder;
import org.rlplay.record.RecorderOptions;
import org.rlplay.record.ReplayOptions;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * The Java reader: rows (env steps) per second of {@link Dataset#replay} back into fragments, every
 * page checksum and value checked, over a CartPole recording of 32 fragments (N = 64, T = 128,
 * constant actor) written with each compression. The score is rows per microsecond (x 1e6 = rows/s).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
@State(Scope.Thread)
public class ReadBenchmarks {
    static final int FRAGMENTS = 32;
    static final int ROWS = RecordBenchmarks.T * 64;

    @Param({"SNAPPY", "ZSTD", "UNCOMPRESSED"})
    public String compression;

    private Path root;
    private Dataset dataset;
    private Rollout replay;

    @Setup(Level.Trial)
    public void record() throws IOException {
        root = Files.createTempDirectory("rlplay-read-bench");
        Path dir = root.resolve("data");
        try (Rollout r = Recorder.wrap(Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 64), EngineBenchmarks.CONSTANT,
                RolloutConfig.builder().length(RecordBenchmarks.T).build()), dir, DatasetInfo.of("CartPole-v1", 0, 64),
                RecorderOptions.defaults().withCompression(Compression.valueOf(compression)))) {
            for (int k = 0; k < FRAGMENTS; k++) {
                r.next();
            }
        }
        dataset = Dataset.open(dir);
        replay = dataset.replay(new ReplayOptions(Integer.MAX_VALUE / FRAGMENTS, false, 0));
    }

    /** One fragment read back from its row group: T * N rows. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public Fragment replayFragment() {
        return replay.next();
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        replay.close();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
