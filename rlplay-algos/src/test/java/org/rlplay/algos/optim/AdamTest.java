package org.rlplay.algos.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The saveable Adam gives bit for bit the weights DJL's Adam gives, and a state saved after k steps
 * and restored into a fresh optimizer continues exactly as the original.
 */
class AdamTest {
    private static final Shape[] SHAPES = {new Shape(3, 4), new Shape(4), new Shape(2, 2, 2)};
    private static final float EPS = 1e-5f;

    /** The learning rate of step k (from 0): changes every step, as an annealed schedule does. */
    private static float lr(int k) {
        return 1e-2f * (1 - k / 50f);
    }

    @Test
    void shouldGiveExactlyTheWeightsOfDjlsAdam() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<Parameter> mine = parameters(m);
            List<Parameter> djl = parameters(m);
            Adam adam = Adam.of(mine, EPS);
            float[] rate = new float[1];
            Tracker tracker = numUpdate -> rate[0];
            Optimizer reference = Optimizer.adam().optLearningRateTracker(tracker).optEpsilon(EPS).build();
            SplittableRandom rng = new SplittableRandom(5);
            for (int k = 0; k < 30; k++) {
                NDArray[] grads = gradients(m, rng);
                rate[0] = lr(k);
                adam.step(grads, lr(k));
                for (int i = 0; i < djl.size(); i++) {
                    reference.update(djl.get(i).getId(), djl.get(i).getArray(), grads[i]);
                }
            }
            assertEquals(30, adam.steps());
            for (int i = 0; i < mine.size(); i++) {
                assertArrayEquals(djl.get(i).getArray().toFloatArray(), mine.get(i).getArray().toFloatArray(),
                        "parameter " + i + " (bit-identical)");
            }
        }
    }

    @Test
    void shouldContinueExactlyFromASavedState() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            List<Parameter> straight = parameters(m);
            List<Parameter> resumed = parameters(m);
            Adam a = Adam.of(straight, EPS);
            Adam b = Adam.of(resumed, EPS);
            List<NDArray[]> grads = new ArrayList<>();
            SplittableRandom rng = new SplittableRandom(9);
            for (int k = 0; k < 12; k++) {
                grads.add(gradients(m, rng));
            }
            for (int k = 0; k < 12; k++) {
                a.step(grads.get(k), lr(k));
            }
            for (int k = 0; k < 5; k++) {
                b.step(grads.get(k), lr(k));
            }
            byte[] saved = save(b);
            Adam c = Adam.of(resumed, EPS);     // a new process: weights restored, moments from the state
            c.restoreState(new DataInputStream(new ByteArrayInputStream(saved)));
            assertEquals(5, c.steps());
            for (int k = 5; k < 12; k++) {
                c.step(grads.get(k), lr(k));
            }
            for (int i = 0; i < straight.size(); i++) {
                assertArrayEquals(straight.get(i).getArray().toFloatArray(), resumed.get(i).getArray().toFloatArray(),
                        "parameter " + i);
            }
            assertArrayEquals(save(a), save(c), "the same moments and step count");
        }
    }

    @Test
    void shouldRefuseTheStateOfOtherParameters() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Adam a = Adam.of(parameters(m), EPS);
            a.step(gradients(m, new SplittableRandom(1)), 1e-3f);
            byte[] saved = save(a);
            Parameter other = Parameter.builder().setName("w0").setType(Parameter.Type.WEIGHT).build();
            other.setArray(m.zeros(new Shape(5, 4)));
            Adam b = Adam.of(List.of(other), EPS);
            IOException e = assertThrows(IOException.class,
                    () -> b.restoreState(new DataInputStream(new ByteArrayInputStream(saved))));
            assertTrue(e.getMessage().contains("3 parameters"), e::getMessage);
        }
    }

    private static byte[] save(Adam adam) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            adam.saveState(out);
        }
        return bytes.toByteArray();
    }

    /** Parameters with the same seeded initial values each call. */
    private static List<Parameter> parameters(NDManager m) {
        SplittableRandom rng = new SplittableRandom(42);
        List<Parameter> out = new ArrayList<>();
        for (int i = 0; i < SHAPES.length; i++) {
            Parameter p = Parameter.builder().setName("w" + i).setType(Parameter.Type.WEIGHT).build();
            p.setArray(m.create(values(rng, SHAPES[i]), SHAPES[i]));
            out.add(p);
        }
        return out;
    }

    private static NDArray[] gradients(NDManager m, SplittableRandom rng) {
        NDArray[] g = new NDArray[SHAPES.length];
        for (int i = 0; i < SHAPES.length; i++) {
            g[i] = m.create(values(rng, SHAPES[i]), SHAPES[i]).toType(DataType.FLOAT32, false);
        }
        return g;
    }

    private static float[] values(SplittableRandom rng, Shape shape) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }
}
