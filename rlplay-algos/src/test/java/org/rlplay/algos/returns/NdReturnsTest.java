package org.rlplay.algos.returns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The NDArray conveniences return exactly the primitive results, shaped (T, N), with no gradient. */
class NdReturnsTest {

    @Test
    void ndArrayResultsEqualThePrimitiveOnesAndCarryNoGradient() {
        SplittableRandom rng = new SplittableRandom(3);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int trial = 0; trial < 20; trial++) {
                ReturnsTest.RandomCase c = new ReturnsTest.RandomCase(rng);
                Trajectory tr = c.tr;
                int cells = tr.transitions();
                NDArray values = m.create(c.values, new Shape(tr.length() + 1, tr.numEnvs(), 1));
                values.setRequiresGradient(true);
                NDArray finalValues = m.create(c.finalValues, new Shape(tr.length() + 1, tr.numEnvs()));
                NDArray logRhos = m.create(c.logRhos, new Shape(tr.length(), tr.numEnvs()));

                NDArray g = NdReturns.discounted(tr, values, finalValues, 0.9f);
                assertEquals(new Shape(tr.length(), tr.numEnvs()), g.getShape());
                assertEquals(DataType.FLOAT32, g.getDataType());
                assertFalse(g.hasGradient());
                assertArrayEquals(Returns.discounted(tr, c.values, c.finalValues, 0.9f, new float[cells]), g.toFloatArray());
                assertArrayEquals(Returns.nStep(tr, c.values, c.finalValues, 0.9f, 3, new float[cells]),
                        NdReturns.nStep(tr, values, finalValues, 0.9f, 3).toFloatArray());
                assertArrayEquals(Returns.tdErrors(tr, c.values, c.finalValues, 0.9f, new float[cells]),
                        NdReturns.tdErrors(tr, values, finalValues, 0.9f).toFloatArray());
                assertArrayEquals(Returns.gae(tr, c.values, c.finalValues, 0.9f, 0.8f, new float[cells]),
                        NdReturns.gae(tr, values, finalValues, 0.9f, 0.8f).toFloatArray());
                float[] vs = new float[cells];
                float[] pg = new float[cells];
                Returns.vtrace(tr, c.values, c.finalValues, c.logRhos, 0.9f, 1f, 0.9f, vs, pg);
                NdReturns.VTraceTargets v = NdReturns.vtrace(tr, values, finalValues, logRhos, 0.9f, 1f, 0.9f);
                assertArrayEquals(vs, v.vs().toFloatArray());
                assertArrayEquals(pg, v.pgAdvantages().toFloatArray());
                assertFalse(v.vs().hasGradient());
            }
        }
    }

    @Test
    void float64ValuesAreAccepted() {
        Trajectory tr = ReturnsTest.handCase();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray values = m.create(ReturnsTest.HAND_VALUES, new Shape(4, 2)).toType(DataType.FLOAT64, false);
            NDArray finalValues = m.create(ReturnsTest.HAND_FINAL, new Shape(4, 2));
            assertArrayEquals(new float[] {1.5f, 2.25f, 2f, 5f, 2f, 2f},
                    NdReturns.gae(tr, values, finalValues, 0.5f, 0.5f).toFloatArray(), 1e-5f);
        }
    }
}
