package org.rlplay.algos.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/**
 * K independent ReLU multi-layer perceptrons {@code in -> hidden... -> outputs} evaluated in one
 * batched pass, as a DJL block: SAC's twin critics (K = 2) cost one forward and one backward
 * instead of two, with half as many parameter arrays to optimise and average.
 * <pre>
 *   input  x (B, in)                 the same batch for every member
 *   layer l: h_l = relu(h_{l-1} @ W_l + b_l)    W_l (K, in_l, out_l), b_l (K, 1, out_l); no relu after the last
 *   output (K, B, outputs)           member k's output in row k
 * </pre>
 * Each member is initialised as PyTorch initialises a {@code Linear} layer: weights and biases
 * uniform in {@code [-1/sqrt(in_l), 1/sqrt(in_l)]}, drawn independently per member. Initialise the
 * block with the input shape {@code (B, in)}. A DJL block: not thread-safe.
 */
public final class EnsembleMlp extends AbstractBlock {
    private static final byte VERSION = 1;
    private final int members;
    private final int[] widths;
    private final Parameter[] weights;
    private final Parameter[] biases;

    /**
     * @param members K, at least 1
     * @param outputs units of the last layer
     * @param hidden  hidden widths
     */
    public EnsembleMlp(int members, int outputs, int... hidden) {
        super(VERSION);
        if (members < 1 || outputs < 1) {
            throw new IllegalArgumentException("members and outputs must be >= 1, got " + members + ", " + outputs);
        }
        this.members = members;
        this.widths = new int[hidden.length + 1];
        System.arraycopy(hidden, 0, widths, 0, hidden.length);
        widths[hidden.length] = outputs;
        this.weights = new Parameter[widths.length];
        this.biases = new Parameter[widths.length];
        for (int l = 0; l < widths.length; l++) {
            if (widths[l] < 1) {
                throw new IllegalArgumentException("hidden widths must be >= 1, got " + widths[l]);
            }
            weights[l] = addParameter(Parameter.builder().setName("weight" + l).setType(Parameter.Type.WEIGHT).build());
            biases[l] = addParameter(Parameter.builder().setName("bias" + l).setType(Parameter.Type.BIAS).build());
        }
    }

    /** K, the number of members. */
    public int members() {
        return members;
    }

    @Override
    protected void prepare(Shape[] inputs) {
        long in = inputs[0].get(inputs[0].dimension() - 1);
        for (int l = 0; l < widths.length; l++) {
            float bound = (float) (1 / Math.sqrt(in));
            weights[l].setShape(new Shape(members, in, widths[l]));
            weights[l].setInitializer(new UniformInitializer(bound));
            biases[l].setShape(new Shape(members, 1, widths[l]));
            biases[l].setInitializer(new UniformInitializer(bound));
            in = widths[l];
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameters, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray h = inputs.singletonOrThrow();
        if (h.getShape().dimension() != 2) {
            throw new IllegalArgumentException("EnsembleMlp: expected input (B, in), got " + h.getShape());
        }
        for (int l = 0; l < widths.length; l++) {
            NDArray w = parameters.getValue(weights[l], h.getDevice(), training);
            NDArray b = parameters.getValue(biases[l], h.getDevice(), training);
            h = h.matMul(w).add(b);
            if (l < widths.length - 1) {
                h = h.getNDArrayInternal().relu();
            }
        }
        return new NDList(h);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(members, inputs[0].get(0), widths[widths.length - 1])};
    }
}
