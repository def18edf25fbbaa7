package org.rlplay.algos.returns;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.rlplay.fragment.Fragment;

/**
 * DJL conveniences over {@link Returns} for learners that hold values as {@code NDArray}s.
 *
 * <p>Each method copies its array inputs to the host once ({@code values} and {@code finalValues}
 * hold (T+1)*N elements in any shape, e.g. (T+1, N) or (T+1, N, 1); {@code logRhos} T*N), runs the
 * {@link Returns} recursion in Java, and creates one (T, N) float32 array in the manager of
 * {@code values}; the caller closes it (or its manager). The results are plain data: no gradient
 * flows into them whatever the inputs carry, which is what targets and advantages need. Index
 * conventions, formulas and the role of {@code finalValues} (nullable) are those of {@link Returns}.
 * Allocates host arrays per call (once per training iteration, not per step). Stateless.
 */
public final class NdReturns {
    private NdReturns() {
    }

    /** V-trace outputs, both (T, N) float32 in the manager of the values. */
    public record VTraceTargets(NDArray vs, NDArray pgAdvantages) {
    }

    /** {@link Returns#discounted} on NDArrays. */
    public static NDArray discounted(Trajectory tr, NDArray values, NDArray finalValues, float gamma) {
        float[] out = new float[tr.transitions()];
        Returns.discounted(tr, host("values", values), host("finalValues", finalValues), gamma, out);
        return create(values.getManager(), out, tr);
    }

    /** {@link Returns#nStep} on NDArrays. */
    public static NDArray nStep(Trajectory tr, NDArray values, NDArray finalValues, float gamma, int steps) {
        float[] out = new float[tr.transitions()];
        Returns.nStep(tr, host("values", values), host("finalValues", finalValues), gamma, steps, out);
        return create(values.getManager(), out, tr);
    }

    /** {@link Returns#tdErrors} on NDArrays. */
    public static NDArray tdErrors(Trajectory tr, NDArray values, NDArray finalValues, float gamma) {
        float[] out = new float[tr.transitions()];
        Returns.tdErrors(tr, host("values", values), host("finalValues", finalValues), gamma, out);
        return create(values.getManager(), out, tr);
    }

    /** {@link Returns#gae} on NDArrays: the advantages; value targets are {@code adv + values[:T]}. */
    public static NDArray gae(Trajectory tr, NDArray values, NDArray finalValues, float gamma, float lambda) {
        float[] out = new float[tr.transitions()];
        Returns.gae(tr, host("values", values), host("finalValues", finalValues), gamma, lambda, out);
        return create(values.getManager(), out, tr);
    }

    /** {@link Returns#vtrace} on NDArrays; {@code logRhos} holds T*N elements. */
    public static VTraceTargets vtrace(Trajectory tr, NDArray values, NDArray finalValues, NDArray logRhos,
                                       float gamma, float rhoBar, float cBar) {
        float[] vs = new float[tr.transitions()];
        float[] pg = new float[tr.transitions()];
        Returns.vtrace(tr, host("values", values), host("finalValues", finalValues), host("logRhos", logRhos),
                gamma, rhoBar, cBar, vs, pg);
        NDManager m = values.getManager();
        return new VTraceTargets(create(m, vs, tr), create(m, pg, tr));
    }

    /**
     * {@link RealTransitions#weights} as a (T, N) float32 array in {@code manager}: 1 for a real
     * transition, 0 for a sticky repeat.
     */
    public static NDArray realTransitions(Fragment f, NDManager manager) {
        float[] out = RealTransitions.weights(f, new float[f.length() * f.numEnvs()]);
        return manager.create(out, new Shape(f.length(), f.numEnvs()));
    }

    private static float[] host(String field, NDArray a) {
        if (a == null) {
            if ("finalValues".equals(field)) {
                return null;
            }
            throw new IllegalArgumentException(field + " is null");
        }
        if (a.getDataType() == DataType.FLOAT32) {
            return a.toFloatArray();
        }
        if (!a.getDataType().isFloating()) {
            throw new IllegalArgumentException(field + ": expected a floating-point array, got " + a.getDataType());
        }
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    private static NDArray create(NDManager manager, float[] out, Trajectory tr) {
        return manager.create(out, new Shape(tr.length(), tr.numEnvs()));
    }
}
