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
import java.util.stream.Stream;
import org.rlplay.actor.Actor;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.env.EnvRegistry;
import org.rlplay.record.Compression;
import org.rlplay.record.DatasetInfo;
import org.rlplay.record.Recorder;
import org.rlplay.record.RecorderOptions;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * Bytes on disk per env step of a recording: the data of {@link RecordBenchmarks} (native CartPole,
 * N = 64, T = 128, seed 0, 40 fragments, the constant actor and the DJL MLP actor whose logits are
 * recorded) written with each {@link Compression}; everything under the dataset directory counts
 * (data files and the run description). Prints a markdown table. Run with
 * {@code java -cp benchmarks/target/benchmarks.jar org.rlplay.benchmarks.DatasetBytes}.
 */
public final class DatasetBytes {
    static final int FRAGMENTS = 40;

    private DatasetBytes() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println("| actor | compression | bytes per env step |");
        System.out.println("| --- | --- | --- |");
        for (String actor : new String[] {"constant", "mlp"}) {
            for (Compression c : Compression.values()) {
                System.out.printf("| %s | %s | %.2f |%n", actor, c, bytesPerStep(actor, c));
            }
        }
    }

    static double bytesPerStep(String actor, Compression compression) throws IOException {
        Path root = Files.createTempDirectory("rlplay-bytes");
        Path dir = root.resolve("data");
        NDManager manager = null;
        Actor policy = EngineBenchmarks.CONSTANT;
        if (actor.equals("mlp")) {
            Engine.getInstance().setRandomSeed(0);
            manager = NDManager.newBaseManager();
            SequentialBlock net = Mlp.of(2, true, 64, 64);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
            policy = new CategoricalActor(net, 2, 0, false);
        }
        try (Rollout r = Recorder.wrap(Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 64), policy,
                RolloutConfig.builder().length(RecordBenchmarks.T).build()), dir, DatasetInfo.of("CartPole-v1", 0, 64),
                RecorderOptions.defaults().withCompression(compression))) {
            for (int k = 0; k < FRAGMENTS; k++) {
                r.next();
            }
        } finally {
            if (manager != null) {
                manager.close();
            }
        }
        long bytes = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (Files.isRegularFile(p)) {
                    bytes += Files.size(p);
                }
                Files.delete(p);
            }
        }
        return bytes / (double) (FRAGMENTS * RecordBenchmarks.T * 64L);
    }
}
