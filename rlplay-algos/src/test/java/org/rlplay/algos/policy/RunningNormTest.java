package org.rlplay.algos.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RunningNormTest {

    private static float[] column(float[] x, int d, int i) {
        float[] c = new float[x.length / d];
        for (int k = 0; k < c.length; k++) {
            c[k] = x[k * d + i];
        }
        return c;
    }

    private static double mean(float[] c) {
        double s = 0;
        for (float v : c) {
            s += v;
        }
        return s / c.length;
    }

    private static double var(float[] c) {
        double m = mean(c);
        double s = 0;
        for (float v : c) {
            s += (v - m) * (v - m);
        }
        return s / c.length;
    }

    @Test
    void mergedBatchesGiveTheStatisticsOfAllSamples() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            RunningNorm norm = new RunningNorm(100f);
            norm.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            SplittableRandom rng = new SplittableRandom(3);
            float[] all = new float[2 * 700];
            int at = 0;
            for (int size : new int[] {100, 250, 350}) {
                float[] batch = new float[2 * size];
                for (int k = 0; k < size; k++) {
                    batch[2 * k] = (float) (3 + 2 * rng.nextGaussian());
                    batch[2 * k + 1] = (float) (-1 + 0.1 * rng.nextGaussian());
                }
                System.arraycopy(batch, 0, all, at, batch.length);
                at += batch.length;
                norm.update(m.create(batch, new Shape(size, 2)));
            }
            assertEquals(700, norm.samples());
            float[] probe = {5f, -1.2f};
            NDArray y = norm.forward(new ParameterStore(m, false), new NDList(m.create(probe, new Shape(1, 2))), false)
                    .singletonOrThrow();
            float[] expected = new float[2];
            for (int i = 0; i < 2; i++) {
                float[] c = column(all, 2, i);
                expected[i] = (float) ((probe[i] - mean(c)) / Math.sqrt(var(c) + 1e-8));
            }
            assertArrayEquals(expected, y.toFloatArray(), 1e-3f);

            // the statistics are parameters: they survive saving and loading
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            norm.saveParameters(new DataOutputStream(bytes));
            RunningNorm loaded = new RunningNorm(100f);
            loaded.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            loaded.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertEquals(700, loaded.samples());
            NDArray z = loaded.forward(new ParameterStore(m, false), new NDList(m.create(probe, new Shape(1, 2))), false)
                    .singletonOrThrow();
            assertArrayEquals(expected, z.toFloatArray(), 1e-3f);
        }
    }

    @Test
    void isTheIdentityBeforeAnyUpdateAndClipsAfterwards() {
        try (NDManager m = NDManager.newBaseManager()) {
            RunningNorm norm = new RunningNorm(2f);
            norm.initialize(m, DataType.FLOAT32, new Shape(1, 3));
            ParameterStore ps = new ParameterStore(m, false);
            float[] x = {0.5f, -1.5f, 3f};
            NDArray y = norm.forward(ps, new NDList(m.create(x, new Shape(1, 3))), false).singletonOrThrow();
            assertArrayEquals(new float[] {0.5f, -1.5f, 2f}, y.toFloatArray(), 1e-6f);
            assertEquals(0, norm.getParameters().stream().filter(p -> p.getValue().requiresGradient()).count(),
                    "running statistics take no gradient");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> norm.update(m.zeros(new Shape(4, 2))));
            assertEquals("batch: expected shape (..., 3), got (4, 2)", e.getMessage());
        }
    }
}
