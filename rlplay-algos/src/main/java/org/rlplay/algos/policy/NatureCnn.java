package org.rlplay.algos.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;

/**
 * The convolutional torso of Mnih et al. 2015 ("Human-level control through deep reinforcement
 * learning", the Nature DQN) as a DJL block, for image observations that arrive as they are stored:
 * {@code uint8} (N, H, W, C), channels last, as Gymnasium and ALE give them.
 *
 * <pre>
 * x = float32(obs) / 255, transposed to (N, C, H, W)     the only conversion, in the network
 * conv 32 x 8x8 stride 4, ReLU
 * conv 64 x 4x4 stride 2, ReLU
 * conv 64 x 3x3 stride 1, ReLU
 * flatten, dense 512, ReLU, dense outputs
 * </pre>
 * With 84 x 84 inputs the flattened torso has 3136 features. Float inputs are accepted too (cast
 * only). The block is initialised with {@code (1, H, W, C)} as input shape.
 */
public final class NatureCnn {
    private NatureCnn() {
    }

    /** The torso and a linear head of {@code outputs} units (logits or Q-values). */
    public static SequentialBlock of(int outputs) {
        SequentialBlock net = new SequentialBlock();
        net.add(new LambdaBlock(NatureCnn::toChannelsFirst, "uint8-to-float-nchw"));
        net.add(Conv2d.builder().setKernelShape(new Shape(8, 8)).optStride(new Shape(4, 4)).setFilters(32).build());
        net.add(Activation.reluBlock());
        net.add(Conv2d.builder().setKernelShape(new Shape(4, 4)).optStride(new Shape(2, 2)).setFilters(64).build());
        net.add(Activation.reluBlock());
        net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optStride(new Shape(1, 1)).setFilters(64).build());
        net.add(Activation.reluBlock());
        net.add(Blocks.batchFlattenBlock());
        net.add(Linear.builder().setUnits(512).build());
        net.add(Activation.reluBlock());
        net.add(Linear.builder().setUnits(outputs).build());
        return net;
    }

    /** (N, H, W, C) of any numeric type to float32 (N, C, H, W), scaled to [0, 1] when the input is uint8. */
    private static NDList toChannelsFirst(NDList in) {
        NDArray x = in.singletonOrThrow();
        if (x.getShape().dimension() != 4) {
            throw new IllegalArgumentException("NatureCnn: expected (N, H, W, C) images, got shape " + x.getShape());
        }
        boolean bytes = x.getDataType() == DataType.UINT8;
        NDArray f = x.toType(DataType.FLOAT32, false);
        if (bytes) {
            f = f.div(f.getManager().create(255f));
        }
        return new NDList(f.transpose(0, 3, 1, 2));
    }
}
