package org.rlplay.algos.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class EnsembleMlpTest {

    @Test
    void eachMemberIsAnIndependentReluMlp() {
        try (NDManager m = NDManager.newBaseManager()) {
            EnsembleMlp net = new EnsembleMlp(2, 1, 3);
            net.initialize(m, DataType.FLOAT32, new Shape(4, 2));
            NDArray x = m.create(new float[] {1, -2, 0.5f, 3, -1, -1, 2, 0.25f}, new Shape(4, 2));
            NDArray out = net.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(2, 4, 1), out.getShape());
            NDArray w0 = net.getParameters().get("weight0").getArray();
            NDArray b0 = net.getParameters().get("bias0").getArray();
            NDArray w1 = net.getParameters().get("weight1").getArray();
            NDArray b1 = net.getParameters().get("bias1").getArray();
            float[] got = out.toFloatArray();
            for (int k = 0; k < 2; k++) {
                for (int b = 0; b < 4; b++) {
                    double y = b1.getFloat(k, 0, 0);
                    for (int h = 0; h < 3; h++) {
                        double pre = b0.getFloat(k, 0, h) + x.getFloat(b, 0) * w0.getFloat(k, 0, h)
                                + x.getFloat(b, 1) * w0.getFloat(k, 1, h);
                        y += Math.max(0, pre) * w1.getFloat(k, h, 0);
                    }
                    assertEquals(y, got[k * 4 + b], 1e-5, "member " + k + " row " + b);
                }
            }
            assertFalse(w0.get("0").contentEquals(w0.get("1")), "members start from different weights");
        }
    }

    @Test
    void initialisesLikePyTorchLinearLayers() {
        try (NDManager m = NDManager.newBaseManager()) {
            EnsembleMlp net = new EnsembleMlp(2, 1, 64, 64);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 4));
            assertArrayEquals(new long[] {2, 4, 64}, net.getParameters().get("weight0").getArray().getShape().getShape());
            assertArrayEquals(new long[] {2, 1, 64}, net.getParameters().get("bias1").getArray().getShape().getShape());
            float[] w0 = net.getParameters().get("weight0").getArray().toFloatArray();
            float[] w1 = net.getParameters().get("weight1").getArray().toFloatArray();
            float max0 = 0;
            float max1 = 0;
            for (float v : w0) {
                max0 = Math.max(max0, Math.abs(v));
            }
            for (float v : w1) {
                max1 = Math.max(max1, Math.abs(v));
            }
            assertTrue(max0 <= 0.5f && max0 > 0.45f, "fan-in 4: bound 1/2, got max " + max0);
            assertTrue(max1 <= 0.125f && max1 > 0.12f, "fan-in 64: bound 1/8, got max " + max1);
        }
    }
}
