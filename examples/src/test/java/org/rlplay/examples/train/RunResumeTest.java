package org.rlplay.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.algos.state.ResumableRandom;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;
import org.rlplay.examples.envs.EnvSpec;

/**
 * The algorithm side of an exact resume: a run stopped after a checkpoint (its directory copied as
 * a killed process leaves it, metrics rows after the checkpoint included) and resumed from that
 * checkpoint ends with bit-identical weights, optimizer state and metrics rows to the run that went
 * on. Covers the optimizer's moments and step count, a kept random generator, the learning-rate
 * schedule, the pending metric sums and the metrics file's rows. (A run without an env, so the
 * rollout side, which the engine does not save yet, is not involved.)
 */
class RunResumeTest {
    private static final Space[] SPACES = {Box.of(-1, 1, 3), new Discrete(2)};
    private static final int TOTAL = 20;

    @TempDir
    Path tmp;

    private static Networks networks() {
        Engine.getInstance().setRandomSeed(11);
        Networks nets = new Networks();
        nets.add("net", new SequentialBlock().add(Linear.builder().setUnits(4).build())
                .add(Linear.builder().setUnits(1).build()), new Shape(1, 3));
        return nets;
    }

    private Run.Settings settings(Path out) {
        return new Run.Settings("test", EnvSpec.of("CartPole-v1"), 5, TOTAL, out, RolloutMode.SAME, 1,
                new Hp(0.05f), 10, Progress.Style.OFF, "test", tmp.resolve("unused-dataset"), null);
    }

    /** A hyperparameter record for the checkpoint. */
    record Hp(float lr) {
    }

    /** The training loop: random regression data drawn from a kept generator, an annealed Adam. */
    private static final class Loop {
        private final Run run;
        private final Networks nets;
        private final GradientStep adam;
        private final ResumableRandom rng;
        private final ParameterStore ps;

        Loop(Run run, Networks nets) {
            this.run = run;
            this.nets = nets;
            this.adam = run.adam(0.05f, true, 1e-8f, 1f);
            this.rng = run.keep("data", new ResumableRandom(run.seed()));
            this.ps = new ParameterStore(nets.manager(), false);
        }

        /** Up to {@code count} updates; false once the budget is spent. */
        boolean updates(int count) {
            for (int k = 0; k < count; k++) {
                try (NDManager m = nets.manager().newSubManager()) {
                    float[] x = new float[8 * 3];
                    float[] y = new float[8];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) rng.nextGaussian();
                    }
                    for (int i = 0; i < y.length; i++) {
                        y[i] = (float) rng.nextGaussian();
                    }
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray out = nets.get("net").forward(ps, new NDList(m.create(x, new Shape(8, 3))), true)
                                .singletonOrThrow().squeeze(-1);
                        NDArray loss = out.sub(m.create(y)).square().mean();
                        gc.backward(loss);
                        run.log("loss", loss.getFloat());
                    }
                    run.log("grad_norm", adam.step());
                }
                if (!run.endUpdate()) {
                    return false;
                }
            }
            return true;
        }
    }

    private static List<float[]> weights(Networks nets) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : nets.trainable()) {
            out.add(p.getArray().toFloatArray());
        }
        return out;
    }

    /** The metrics rows without the wall-clock columns (wall_seconds, env_steps_per_second). */
    private static List<String> rows(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.csv"))) {
            String[] cells = line.split(",", -1);
            out.add(String.join(",", cells[0], cells[1], cells[2], String.join(",",
                    java.util.Arrays.copyOfRange(cells, 5, cells.length))));
        }
        return out;
    }

    @Test
    void shouldContinueExactlyAsARunThatNeverStopped() throws IOException {
        Path straight = tmp.resolve("straight");
        Path killed = tmp.resolve("killed");
        PrintWriter console = new PrintWriter(new StringWriter());
        List<float[]> expected;
        try (Networks nets = networks(); Run run = new Run(settings(straight), SPACES, nets, null, null, console)) {
            Loop loop = new Loop(run, nets);
            assertTrue(loop.updates(15));
            copy(straight, killed);                        // a process killed after update 15, checkpoint at 10
            assertTrue(!loop.updates(TOTAL));
            run.finish();
            expected = weights(nets);
        }
        Checkpoint at10 = Checkpoint.open(killed.resolve(Checkpoint.DIR).resolve(String.format("%012d", 10)));
        assertEquals(10, at10.state().updates());
        try (Networks nets = networks()) {
            at10.restore(nets);
            try (Run run = new Run(settings(killed), SPACES, nets, null, at10, console)) {
                assertTrue(!new Loop(run, nets).updates(TOTAL));
                run.finish();
            }
            List<float[]> actual = weights(nets);
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), actual.get(i), "parameter " + i);
            }
        }
        List<String> a = rows(straight);
        List<String> b = rows(killed);
        assertEquals(TOTAL + 1, a.size(), "a header and a row per update");
        assertEquals(a, b, "the same metrics rows, the rows the killed run wrote after its checkpoint replaced");
        Path last = Path.of(Checkpoint.DIR, String.format("%012d", TOTAL));
        for (String part : List.of("optimizer.state", "data.state", "run.state", "net.params")) {
            assertArrayEquals(Files.readAllBytes(straight.resolve(last).resolve(part)),
                    Files.readAllBytes(killed.resolve(last).resolve(part)), part);
        }
        assertTrue(Files.readString(killed.resolve(last).resolve(Checkpoint.JSON)).contains("\"optimizerSteps\": 20"));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
