package org.rlplay.benchmarks.kafka;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import java.io.IOException;
import java.io.InputStream;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.env.space.Discrete;
import org.rlplay.kafka.CollectorCommand;
import org.rlplay.kafka.Replica;

/**
 * The collector JVM of {@link KafkaPathHarness}: {@code rlplay collector} with the benchmarks'
 * 4-64-64-2 tanh MLP and a sampling {@link CategoricalActor}, as {@code RolloutRig.mlp} builds them.
 * Exits when its standard input closes (its parent is gone).
 */
public final class BenchCollectorMain {
    private BenchCollectorMain() {
    }

    public static void main(String[] args) {
        Thread watch = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // nothing is written; end of file means the parent is gone
                }
            } catch (IOException e) {
                // treated as end of file
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watch");
        watch.setDaemon(true);
        watch.start();
        System.exit(CollectorCommand.run(args, (envs, seed) -> {
            NDManager m = NDManager.newBaseManager();
            SequentialBlock net = Mlp.of(2, true, 64, 64);
            net.initialize(m, DataType.FLOAT32, new Shape(1, envs.observationSpace().size()));
            return new Replica(new CategoricalActor(net, ((Discrete) envs.actionSpace()).n(), seed, false), net, m);
        }));
    }
}
