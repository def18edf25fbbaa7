package org.rlplay.algos.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.MultiBinary;
import org.rlplay.env.space.MultiDiscrete;

/**
 * Every observation space the engine has becomes float32 features of a fixed width, whatever dtype
 * the observations are stored in and however many batch dimensions they carry.
 */
class ObservationEncoderTest {

    @Test
    void shouldOneHotDiscreteObservationsOfAnyDtypeAfterSubtractingStart() {
        ObservationEncoder e = ObservationEncoder.of(new Discrete(4, 2));
        assertEquals(4, e.width());
        try (NDManager m = NDManager.newBaseManager()) {
            float[] expected = {0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1};
            for (DataType type : new DataType[] {DataType.INT32, DataType.INT64, DataType.INT8, DataType.UINT8,
                DataType.FLOAT32, DataType.FLOAT64}) {
                NDArray x = m.create(new int[] {4, 2, 5}).toType(type, false);          // (N) scalars
                NDArray f = e.encode(x);
                assertEquals(DataType.FLOAT32, f.getDataType(), type::toString);
                assertEquals(new Shape(3, 4), f.getShape(), type::toString);
                assertArrayEquals(expected, f.toFloatArray(), type::toString);
            }
            // (T+1, N) as a fragment holds them
            NDArray f = e.encode(m.create(new int[] {2, 3, 4, 5}, new Shape(2, 2)));
            assertEquals(new Shape(2, 2, 4), f.getShape());
            assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}, f.toFloatArray());
        }
    }

    @Test
    void shouldConcatenateTheOneHotsOfMultiDiscreteElements() {
        ObservationEncoder e = ObservationEncoder.of(new MultiDiscrete(2, 3));
        assertEquals(5, e.width());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new int[] {1, 0, 0, 2, 1, 1}, new Shape(1, 3, 2));   // (T, N, 2)
            NDArray f = e.encode(x);
            assertEquals(new Shape(1, 3, 5), f.getShape());
            assertArrayEquals(new float[] {0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0}, f.toFloatArray());
        }
    }

    @Test
    void shouldCastAndFlattenBoxAndMultiBinaryObservations() {
        Box image = new Box(new float[6], filled(6, 255f), new int[] {2, 3}, ElementType.UINT8);
        ObservationEncoder e = ObservationEncoder.of(image);
        assertEquals(6, e.width());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new byte[] {0, 1, 2, 3, 4, (byte) 200, 5, 6, 7, 8, 9, 10}, new Shape(2, 2, 3))
                    .toType(DataType.UINT8, false);
            NDArray f = e.encode(x);
            assertEquals(DataType.FLOAT32, f.getDataType());
            assertEquals(new Shape(2, 6), f.getShape());
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 200, 5, 6, 7, 8, 9, 10}, f.toFloatArray());

            ObservationEncoder bits = ObservationEncoder.of(new MultiBinary(3));
            NDArray b = bits.encode(m.create(new int[] {1, 0, 1}, new Shape(1, 3)));
            assertEquals(new Shape(1, 3), b.getShape());
            assertArrayEquals(new float[] {1, 0, 1}, b.toFloatArray());
        }
    }

    @Test
    void shouldRefuseObservationsOfAnotherShape() {
        ObservationEncoder e = ObservationEncoder.of(Box.of(-1, 1, 4));
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> e.encode(m.zeros(new Shape(8, 3))));
            assertTrue(ex.getMessage().contains("expected shape (batch..., 4), got (8, 3)"), ex::getMessage);
        }
    }

    @Test
    void shouldRefuseASpaceWhoseEncodingIsTooWideNamingIt() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> ObservationEncoder.of(new Discrete(ObservationEncoder.MAX_WIDTH + 1)));
        assertTrue(ex.getMessage().startsWith("observation space Discrete(1048577): its encoding has 1,048,577 input"
                + " features"), ex::getMessage);
    }

    @Test
    void shouldMakeAnMlpOnRawDiscreteObservationsGiveOneOutputRowPerObservation() {
        Engine.getInstance().setRandomSeed(3);
        Discrete space = new Discrete(16);
        SequentialBlock net = Mlp.of(space, 4, true, 8);
        try (NDManager m = NDManager.newBaseManager()) {
            net.initialize(m, DataType.FLOAT32, ObservationEncoder.inputShape(space, 1));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray states = m.create(new int[] {0, 5, 15, 5});
            NDArray out = net.forward(ps, new NDList(states), false).singletonOrThrow();
            assertEquals(new Shape(4, 4), out.getShape());
            float[] v = out.toFloatArray();
            for (int a = 0; a < 4; a++) {
                assertEquals(v[4 + a], v[12 + a], "the same state gives the same logits");
            }
            // as many batch dimensions as a fragment has
            assertEquals(new Shape(3, 2, 4), net.forward(ps, new NDList(m.zeros(new Shape(3, 2), DataType.INT32)), false)
                    .singletonOrThrow().getShape());
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
