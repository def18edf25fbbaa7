package org.rlplay.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import org.junit.jupiter.api.Test;

/** Global-norm clipping, the step count and the error on a non-finite gradient. */
class GradientStepTest {

    /** A 2 -> 1 linear layer with all weights and the bias at 1. */
    private static Networks linear() {
        Networks nets = new Networks();
        Linear layer = Linear.builder().setUnits(1).build();
        layer.setInitializer(new ConstantInitializer(1f), p -> true);
        nets.add("net", layer, new Shape(1, 2));
        return nets;
    }

    /** Backward of sum(net(x)) for one input row x: gradients w = x, b = 1. */
    private static void backward(Networks nets, NDManager m, float... x) {
        ParameterStore ps = new ParameterStore(nets.manager(), false);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = nets.get("net").forward(ps, new NDList(m.create(x, new Shape(1, 2))), true).singletonOrThrow();
            gc.backward(y.sum());
        }
    }

    @Test
    void clipsTheGlobalNormAndCountsSteps() {
        try (Networks nets = linear(); NDManager m = NDManager.newBaseManager()) {
            // gradients w = (3, 4), b = 1: the norm before clipping is sqrt(26)
            GradientStep step = new GradientStep(nets, 0.1f, null, 1e-8f, 1f);
            backward(nets, m, 3f, 4f);
            assertEquals((float) Math.sqrt(26), step.step(), 1e-5f);
            assertEquals(1, step.steps());
            // the gradients were consumed (zeroed): a second backward with x = 0 leaves only the bias' 1
            backward(nets, m, 0f, 0f);
            assertEquals(1f, step.step(), 1e-6f);
            assertEquals(2, step.steps());
        }
    }

    @Test
    void aNonFiniteGradientNamesTheParameterAndDoesNotStep() {
        try (Networks nets = linear(); NDManager m = NDManager.newBaseManager()) {
            GradientStep step = new GradientStep(nets, 0.1f, null, 1e-8f, 1f);
            float[] before = nets.trainable().get(0).getArray().toFloatArray();
            backward(nets, m, Float.NaN, 1f);
            IllegalStateException e = assertThrows(IllegalStateException.class, step::step);
            assertTrue(e.getMessage().contains("gradient norm is NaN at optimizer step 0, first in parameter weight (1, 2)"),
                    e.getMessage());
            assertArrayEquals(before, nets.trainable().get(0).getArray().toFloatArray());
            assertEquals(0, step.steps());
        }
    }
}
