package org.rlplay.algos.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.junit.jupiter.api.Test;

class NatureCnnTest {

    @Test
    void uint8ImagesGiveTheSameOutputAsTheirFloatScaledTwinAndGradientsReachEveryLayer() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            SequentialBlock net = NatureCnn.of(6);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 84, 84, 4));
            ParameterStore ps = new ParameterStore(m, false);
            byte[] pixels = new byte[2 * 84 * 84 * 4];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) (i * 37);
            }
            NDArray bytes = m.create(java.nio.ByteBuffer.wrap(pixels), new Shape(2, 84, 84, 4), DataType.UINT8);
            NDArray scaled = bytes.toType(DataType.FLOAT32, false).div(m.create(255f));
            NDArray fromBytes = net.forward(ps, new NDList(bytes), false).singletonOrThrow();
            assertEquals(new Shape(2, 6), fromBytes.getShape());
            float[] a = fromBytes.toFloatArray();
            float[] b = net.forward(ps, new NDList(scaled), false).singletonOrThrow().toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], 1e-5f, "uint8 input is scaled by 1/255, float input is taken as it is");
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = net.forward(ps, new NDList(bytes), true).singletonOrThrow();
                gc.backward(out.sum());
            }
            PairList<String, Parameter> params = net.getParameters();
            assertEquals(10, params.size(), "3 conv + 2 dense layers, weight and bias each");
            for (int i = 0; i < params.size(); i++) {
                NDArray g = params.valueAt(i).getArray().getGradient();
                assertTrue(g.abs().sum().getFloat() > 0, "gradient reaches " + params.keyAt(i));
            }
        }
    }

    @Test
    void anInputThatIsNotABatchOfImagesIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = NatureCnn.of(2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> net.initialize(m, DataType.FLOAT32, new Shape(1, 84)));
            assertTrue(e.getMessage().contains("expected (N, H, W, C)"), e.getMessage());
        }
    }
}
