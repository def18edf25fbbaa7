package org.rlplay.algos.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import org.rlplay.algos.loss.Scale;

/**
 * The head of a diagonal Gaussian policy over D action dimensions, as a DJL block: observations
 * {@code (N, ...)} in, {@code (mean (N, D), logStd (N, D))} out (an NDList of two arrays), in one of
 * two forms:
 * <ul>
 * <li>{@link #stateDependent}: the body outputs {@code 2D} values, the mean and a raw log-std, which is
 *     squashed into {@code [logStdMin, logStdMax]} as
 *     {@code logStd = logStdMin + (logStdMax - logStdMin) * (tanh(raw) + 1) / 2} (SAC, after SpinUp and
 *     CleanRL);</li>
 * <li>{@link #learntLogStd}: the body outputs the D means; the log-std is a learnt parameter
 *     {@code (1, D)}, independent of the state and broadcast over the batch (PPO, after CleanRL's
 *     {@code ppo_continuous_action.py}).</li>
 * </ul>
 * The same block serves the collecting {@link GaussianActor} and the learner, so both see the same
 * distribution. Initialise it with the observation shape {@code (N, ...)}. A DJL block: not
 * thread-safe; each collector thread uses its own replica.
 */
public final class GaussianPolicy extends AbstractBlock {
    private static final byte VERSION = 1;
    private final Block body;
    private final int dims;
    private final boolean stateDependent;
    private final float logStdMin;
    private final float logStdMax;
    private final Parameter logStd;
    private final NDIndex means;
    private final NDIndex rawLogStds;

    private GaussianPolicy(Block body, int dims, boolean stateDependent, float logStdMin, float logStdMax,
                           float initialLogStd) {
        super(VERSION);
        if (dims < 1) {
            throw new IllegalArgumentException("dims must be >= 1, got " + dims);
        }
        this.body = addChildBlock("body", body);
        this.dims = dims;
        this.stateDependent = stateDependent;
        this.means = new NDIndex(":, :{}", dims);
        this.rawLogStds = new NDIndex(":, {}:", dims);
        this.logStdMin = logStdMin;
        this.logStdMax = logStdMax;
        this.logStd = stateDependent ? null : addParameter(Parameter.builder().setName("logStd")
                .setType(Parameter.Type.OTHER).optInitializer(new ConstantInitializer(initialLogStd))
                .optShape(new Shape(1, dims)).build());
    }

    /**
     * A head whose {@code body} outputs {@code (N, 2D)}: means, then raw log-stds squashed into
     * {@code [logStdMin, logStdMax]}.
     */
    public static GaussianPolicy stateDependent(Block body, int dims, float logStdMin, float logStdMax) {
        if (!(logStdMin < logStdMax) || !Float.isFinite(logStdMin) || !Float.isFinite(logStdMax)) {
            throw new IllegalArgumentException("need finite logStdMin < logStdMax, got " + logStdMin + ", " + logStdMax);
        }
        return new GaussianPolicy(body, dims, true, logStdMin, logStdMax, 0f);
    }

    /** A head whose {@code body} outputs the {@code (N, D)} means; the log-std is a parameter starting at {@code initial}. */
    public static GaussianPolicy learntLogStd(Block body, int dims, float initial) {
        if (!Float.isFinite(initial)) {
            throw new IllegalArgumentException("initial log-std must be finite, got " + initial);
        }
        return new GaussianPolicy(body, dims, false, 0f, 0f, initial);
    }

    /** D, the number of action dimensions. */
    public int dims() {
        return dims;
    }

    /** The body (the network before the head). */
    public Block body() {
        return body;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameters, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray out = body.forward(parameters, inputs, training, params).singletonOrThrow();
        long n = out.getShape().get(0);
        if (stateDependent) {
            NDArray mean = out.get(means);
            NDArray raw = out.get(rawLogStds);
            float half = 0.5f * (logStdMax - logStdMin);
            return new NDList(mean, Scale.by(raw.tanh().add(1f), half).add(logStdMin));
        }
        NDArray ls = parameters.getValue(logStd, out.getDevice(), training);
        return new NDList(out, ls.broadcast(new Shape(n, dims)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = new Shape(inputs[0].get(0), dims);
        return new Shape[] {s, s};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes);
        Shape out = body.getOutputShapes(inputShapes)[0];
        long expected = stateDependent ? 2L * dims : dims;
        if (out.get(out.dimension() - 1) != expected) {
            throw new IllegalArgumentException("body: expected " + expected + " outputs per observation ("
                    + (stateDependent ? "means and raw log-stds" : "means") + " of " + dims + " dims), got " + out);
        }
    }
}
