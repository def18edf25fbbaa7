package org.rlplay.algos.policy;

import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import org.rlplay.env.space.Space;

/** Multi-layer perceptrons as DJL blocks: {@code in -> hidden... -> out} with tanh or ReLU between layers. */
public final class Mlp {
    private Mlp() {
    }

    /**
     * A fully connected network with the given hidden widths and {@code outputs} linear outputs.
     * The input width is inferred when the block is initialised; inputs are float32 features.
     *
     * @param tanh tanh activations if true, ReLU otherwise
     */
    public static SequentialBlock of(int outputs, boolean tanh, int... hidden) {
        SequentialBlock net = new SequentialBlock();
        addLayers(net, outputs, tanh, hidden);
        return net;
    }

    /**
     * As {@link #of(int, boolean, int...)} for raw observations of {@code observations}: the first
     * layer is the space's {@link ObservationEncoder}, so the network takes observations of any
     * numeric dtype shaped {@code (batch..., *observations.shape())}. Initialise it with
     * {@link ObservationEncoder#inputShape}.
     *
     * @throws IllegalArgumentException naming the space if it cannot be encoded
     */
    public static SequentialBlock of(Space observations, int outputs, boolean tanh, int... hidden) {
        SequentialBlock net = new SequentialBlock();
        net.add(ObservationEncoder.of(observations));
        addLayers(net, outputs, tanh, hidden);
        return net;
    }

    private static void addLayers(SequentialBlock net, int outputs, boolean tanh, int... hidden) {
        for (int width : hidden) {
            net.add(Linear.builder().setUnits(width).build());
            net.add(tanh ? Activation.tanhBlock() : Activation.reluBlock());
        }
        net.add(Linear.builder().setUnits(outputs).build());
    }
}
