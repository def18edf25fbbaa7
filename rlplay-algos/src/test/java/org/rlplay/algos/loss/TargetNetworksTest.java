package org.rlplay.algos.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hard and Polyak updates copy parameters in place, without a graph, and check the architectures. */
class TargetNetworksTest {

    static Block mlp(NDManager m, int hidden) {
        SequentialBlock b = new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(2).build());
        b.initialize(m, DataType.FLOAT32, new Shape(1, 3));
        return b;
    }

    static List<float[]> values(Block b) {
        List<float[]> out = new ArrayList<>();
        b.getParameters().values().forEach(p -> out.add(p.getArray().toFloatArray()));
        return out;
    }

    static List<NDArray> arrays(Block b) {
        List<NDArray> out = new ArrayList<>();
        b.getParameters().values().forEach(p -> out.add(p.getArray()));
        return out;
    }

    @Test
    void hardUpdateCopiesEveryParameterIntoTheSameArraysEvenInsideAGradientCollector() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block online = mlp(m, 4);
            Block target = mlp(m, 4);
            List<NDArray> before = arrays(target);
            for (NDArray a : before) {
                a.setRequiresGradient(true);
            }
            assertFalse(Arrays.equals(values(online).get(0), values(target).get(0)), "random inits differ");
            for (NDArray a : arrays(online)) {
                a.setRequiresGradient(true);
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                TargetNetworks.hardUpdate(online, target);
                gc.backward(before.get(0).sum());
                for (float g : arrays(online).get(0).getGradient().toFloatArray()) {
                    assertEquals(0f, g, "no graph from the target back to the online block");
                }
            }
            List<float[]> o = values(online);
            List<float[]> t = values(target);
            for (int i = 0; i < o.size(); i++) {
                assertArrayEquals(o.get(i), t.get(i));
                assertSame(before.get(i), arrays(target).get(i), "updated in place");
            }
        }
    }

    @Test
    void polyakUpdateMixesWithTauAndBuildsNoGraphEvenInsideAGradientCollector() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block online = mlp(m, 4);
            Block target = mlp(m, 4);
            for (NDArray a : arrays(online)) {
                a.setRequiresGradient(true);
            }
            for (NDArray a : arrays(target)) {
                a.setRequiresGradient(true);
            }
            List<float[]> o = values(online);
            List<float[]> t = values(target);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                TargetNetworks.polyakUpdate(online, target, 0.25f);
                // no graph links the target to the online block: a backward pass through the target's
                // parameters reaches them as leaves and leaves the online block's gradients at zero
                NDArray w = arrays(target).get(0);
                gc.backward(w.sum());
                for (float g : w.getGradient().toFloatArray()) {
                    assertEquals(1f, g);
                }
                for (float g : arrays(online).get(0).getGradient().toFloatArray()) {
                    assertEquals(0f, g);
                }
            }
            List<float[]> after = values(target);
            for (int i = 0; i < o.size(); i++) {
                float[] expected = new float[o.get(i).length];
                for (int k = 0; k < expected.length; k++) {
                    expected[k] = 0.25f * o.get(i)[k] + 0.75f * t.get(i)[k];
                }
                assertArrayEquals(expected, after.get(i), 1e-6f);
                assertArrayEquals(o.get(i), values(online).get(i), "online untouched");
            }
        }
    }

    @Test
    void tauOfOneIsAHardUpdateAndZeroLeavesTheTarget() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block online = mlp(m, 4);
            Block target = mlp(m, 4);
            List<float[]> t = values(target);
            TargetNetworks.polyakUpdate(online, target, 0f);
            for (int i = 0; i < t.size(); i++) {
                assertArrayEquals(t.get(i), values(target).get(i));
            }
            TargetNetworks.polyakUpdate(online, target, 1f);
            for (int i = 0; i < t.size(); i++) {
                assertArrayEquals(values(online).get(i), values(target).get(i));
            }
        }
    }

    @Test
    void mismatchedArchitecturesAndSharedBlocksAreRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block online = mlp(m, 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TargetNetworks.hardUpdate(online, mlp(m, 5)));
            assertTrue(e.getMessage().startsWith("target: parameter"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> TargetNetworks.polyakUpdate(online, online, 0.5f));
            assertThrows(IllegalArgumentException.class, () -> TargetNetworks.polyakUpdate(online, mlp(m, 4), 1.5f));
        }
    }
}
