package org.rlplay.algos.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * Observation normalisation with running statistics, as a DJL block:
 * {@code y = clip((x - mean) / sqrt(var + 1e-8), -clip, clip)} over the last axis.
 *
 * <p>{@code mean}, {@code var} and {@code count} are parameters that take no gradient: they are
 * changed only by {@link #update}, which merges a batch's statistics into them (Chan et al.'s
 * parallel variance), and, being parameters, they are saved and loaded with the block's other
 * weights and carried to actor replicas by weight synchronisation. Before any update the block is
 * the identity (up to the clip).
 *
 * <p>{@code update} is for the training loop's thread; the forward pass may run on a collector
 * thread over a replica. Not thread-safe otherwise.
 */
public final class RunningNorm extends AbstractBlock {
    private static final byte VERSION = 1;
    private static final NDIndex ALL = new NDIndex("...");
    private final float clip;
    private final Parameter mean;
    private final Parameter var;
    private final Parameter count;

    /** @param clip bound of the normalised values, &gt; 0 */
    public RunningNorm(float clip) {
        super(VERSION);
        if (!(clip > 0)) {
            throw new IllegalArgumentException("clip must be > 0, got " + clip);
        }
        this.clip = clip;
        this.mean = addParameter(Parameter.builder().setName("mean").setType(Parameter.Type.RUNNING_MEAN)
                .optRequiresGrad(false).build());
        this.var = addParameter(Parameter.builder().setName("var").setType(Parameter.Type.RUNNING_VAR)
                .optRequiresGrad(false).build());
        this.count = addParameter(Parameter.builder().setName("count").setType(Parameter.Type.OTHER)
                .optInitializer(new ConstantInitializer(0f)).optShape(new Shape(1)).optRequiresGrad(false).build());
    }

    @Override
    protected void prepare(Shape[] inputs) {
        Shape features = new Shape(inputs[0].get(inputs[0].dimension() - 1));
        mean.setShape(features);
        var.setShape(features);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameters, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray m = parameters.getValue(mean, x.getDevice(), false);
        NDArray v = parameters.getValue(var, x.getDevice(), false);
        return new NDList(x.sub(m).div(v.add(1e-8f).sqrt()).clip(-clip, clip));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {inputs[0]};
    }

    /** The number of samples merged so far. */
    public long samples() {
        return (long) count.getArray().getFloat(0);
    }

    /**
     * Merges the samples of {@code batch} (any shape ending in the feature axis, float32) into the
     * running mean and variance.
     */
    public void update(NDArray batch) {
        int d = Math.toIntExact(mean.getArray().size());
        if (batch.getShape().dimension() == 0 || batch.getShape().get(batch.getShape().dimension() - 1) != d) {
            throw new IllegalArgumentException("batch: expected shape (..., " + d + "), got " + batch.getShape());
        }
        float[] x = batch.toType(DataType.FLOAT32, false).toFloatArray();
        int n = x.length / d;
        if (n == 0) {
            return;
        }
        float[] oldMean = mean.getArray().toFloatArray();
        float[] oldVar = var.getArray().toFloatArray();
        double oldCount = count.getArray().getFloat(0);
        double total = oldCount + n;
        float[] newMean = new float[d];
        float[] newVar = new float[d];
        for (int i = 0; i < d; i++) {
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += x[k * d + i];
            }
            double bMean = sum / n;
            double sq = 0;
            for (int k = 0; k < n; k++) {
                double e = x[k * d + i] - bMean;
                sq += e * e;
            }
            double delta = bMean - oldMean[i];
            double m2 = (double) oldVar[i] * oldCount + sq + delta * delta * oldCount * n / total;
            newMean[i] = (float) (oldMean[i] + delta * n / total);
            newVar[i] = (float) (m2 / total);
        }
        try (NDManager scratch = mean.getArray().getManager().newSubManager()) {
            mean.getArray().set(ALL, scratch.create(newMean));
            var.getArray().set(ALL, scratch.create(newVar));
            count.getArray().set(ALL, scratch.create(new float[] {(float) total}));
        }
    }
}
