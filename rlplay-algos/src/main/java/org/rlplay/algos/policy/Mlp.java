package org.rlplay.algos.policy;

import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

/** Multi-layer perceptrons as DJL blocks: {@code in -> hidden... -> out} with tanh or ReLU between layers. */
public final class Mlp {
    private Mlp() {
    }

    /**
     * A fully connected network with the given hidden widths and {@code outputs} linear outputs.
     * The input width is inferred when the block is initialised.
     *
     * @param tanh tanh activations if true, ReLU otherwise
     */
    public static SequentialBlock of(int outputs, boolean tanh, int... hidden) {
        SequentialBlock net = new SequentialBlock();
        for (int width : hidden) {
            net.add(Linear.builder().setUnits(width).build());
            net.add(tanh ? Activation.tanhBlock() : Activation.reluBlock());
        }
        net.add(Linear.builder().setUnits(outputs).build());
        return net;
    }
}
