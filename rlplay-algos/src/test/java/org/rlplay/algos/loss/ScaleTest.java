package org.rlplay.algos.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Scale#by} keeps its constant alive until backward: between the forward pass and
 * {@code backward} the test collects garbage (freeing every unreachable direct buffer) and then
 * allocates many small direct buffers filled with NaN, so a constant whose memory was released
 * would be read back as NaN. With {@code x.mul(Number)} in place of {@code Scale.by} these tests
 * fail on DJL 0.35; the loss test guards the losses of this package against the same mistake.
 */
class ScaleTest {

    @Test
    void gradientOfAScaledArraySurvivesGarbageCollectionBeforeBackward() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int round = 0; round < 20; round++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray x = step.create(new float[] {1f, -2f, 3f});
                    x.setRequiresGradient(true);
                    float c = 0.25f + round;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = Scale.by(x, c).sum();
                        overwriteFreedDirectMemory();
                        gc.backward(loss);
                    }
                    assertArrayEquals(new float[] {c, c, c}, x.getGradient().toFloatArray(), 0f, "round " + round);
                }
            }
        }
    }

    @Test
    void lossGradientsDoNotDependOnGarbageCollectionBeforeBackward() throws InterruptedException {
        Function<NDArray, NDArray> a2c = x -> PolicyGradient.a2c(x.reshape(3, 2), x.getManager().create(new long[] {0, 1, 1}),
                x.get("0:3"), x.getManager().create(new float[] {1f, -1f, 0.5f}),
                x.getManager().create(new float[] {0f, 1f, 2f}), 0.5f, 0.01f).total();
        Function<NDArray, NDArray> huber = x -> Regression.huber(x, x.getManager().create(new float[] {0, 0, 0, 0, 0, 9}), 1.5f);
        Function<NDArray, NDArray> mse = x -> Regression.halfSquaredError(x, x.getManager().zeros(x.getShape()));
        for (Function<NDArray, NDArray> loss : List.of(a2c, huber, mse)) {
            float[] calm = gradient(loss, false);
            for (int round = 0; round < 5; round++) {
                assertArrayEquals(calm, gradient(loss, true), 0f);
            }
        }
    }

    private static float[] gradient(Function<NDArray, NDArray> loss, boolean stress) throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0.3f, -1.2f, 2f, 0.1f, -0.5f, 4f});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.apply(x);
                if (stress) {
                    overwriteFreedDirectMemory();
                }
                gc.backward(l);
            }
            return x.getGradient().toFloatArray();
        }
    }

    @Test
    void scaleMultipliesByTheConstant() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(new float[] {0.5f, -1f}, Scale.by(m.create(new float[] {1f, -2f}), 0.5f).toFloatArray(), 0f);
        }
    }

    /** Frees unreachable direct buffers, then reuses small freed blocks with NaN contents. */
    private static void overwriteFreedDirectMemory() throws InterruptedException {
        System.gc();
        Thread.sleep(20);
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, Float.NaN);
            held.add(b);
        }
        held.clear();
    }
}
