package org.rlplay.algos.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.MultiBinary;
import org.rlplay.env.space.MultiDiscrete;
import org.rlplay.env.space.Space;

/**
 * The first layer of every built-in network: turns observations of a space, stored in any numeric
 * dtype, into float32 feature vectors. A DJL block without parameters.
 *
 * <table>
 * <caption>Encodings</caption>
 * <tr><th>space</th><th>input (batch dims, then)</th><th>features</th></tr>
 * <tr><td>{@code Box(shape)}</td><td>{@code shape}</td><td>the values cast to float32, flattened: {@code prod(shape)}</td></tr>
 * <tr><td>{@code Discrete(n, start)}</td><td>nothing (a scalar)</td><td>one-hot of {@code x - start}: {@code n}</td></tr>
 * <tr><td>{@code MultiDiscrete(nvec)}</td><td>{@code (len(nvec))}</td><td>the one-hots of the elements, concatenated: {@code sum(nvec)}</td></tr>
 * <tr><td>{@code MultiBinary(n)}</td><td>{@code (n)}</td><td>the bits cast to float32: {@code n}</td></tr>
 * </table>
 * An input is {@code (b1, .., bk, *space.shape())} for any number k of batch dimensions (the
 * {@code (N, ...)} of an actor's record batch, the {@code (T+1, N, ...)} of a fragment, the
 * {@code (B, ...)} of a replay batch); the output is {@code (b1, .., bk, width())}. Discrete
 * values outside the space make the one-hot fail.
 *
 * <p>Built and initialised on the training loop's thread as part of a network; it holds no state
 * beyond DJL's initialisation, so a forward pass may run on any thread that runs the network.
 */
public final class ObservationEncoder extends AbstractBlock {
    /** The most input features a built-in network takes. */
    public static final int MAX_WIDTH = 1 << 20;
    private static final byte VERSION = 1;

    private final Space space;
    private final int[] shape;
    private final int width;
    /** Discrete: {@code -start}; MultiDiscrete: element i's offset into the concatenated one-hots. */
    private final long[] offsets;

    private ObservationEncoder(Space space, int width, long[] offsets) {
        super(VERSION);
        this.space = space;
        this.shape = space.shape();
        this.width = width;
        this.offsets = offsets;
    }

    /**
     * The encoder of {@code space}.
     *
     * @throws IllegalArgumentException naming the space if its features would exceed {@link #MAX_WIDTH}
     */
    public static ObservationEncoder of(Space space) {
        long width;
        long[] offsets = null;
        if (space instanceof Discrete d) {
            width = d.n();
            offsets = new long[] {-(long) d.start()};
        } else if (space instanceof MultiDiscrete m) {
            int[] nvec = m.nvec();
            offsets = new long[nvec.length];
            width = 0;
            for (int i = 0; i < nvec.length; i++) {
                offsets[i] = width;
                width += nvec[i];
            }
        } else if (space instanceof Box || space instanceof MultiBinary) {
            width = space.size();
        } else {
            throw new IllegalArgumentException("observation space " + space + ": the built-in networks take Box,"
                    + " Discrete, MultiDiscrete and MultiBinary observations");
        }
        if (width > MAX_WIDTH) {
            throw new IllegalArgumentException(String.format("observation space %s: its encoding has %,d input features,"
                    + " more than the %,d the built-in networks take", space, width, MAX_WIDTH));
        }
        return new ObservationEncoder(space, (int) width, offsets);
    }

    /** The space encoded. */
    public Space space() {
        return space;
    }

    /** The number of features per observation. */
    public int width() {
        return width;
    }

    /** The shape {@code (batch, *space.shape())} of a batch of raw observations, e.g. to initialise a network. */
    public static Shape inputShape(Space space, long batch) {
        long[] dims = new long[space.shape().length + 1];
        dims[0] = batch;
        for (int i = 0; i < space.shape().length; i++) {
            dims[i + 1] = space.shape()[i];
        }
        return new Shape(dims);
    }

    /**
     * The float32 features {@code (batch dims, width())} of observations {@code (batch dims,
     * *space.shape())} of any numeric dtype, in the input's manager.
     *
     * @throws IllegalArgumentException if the input does not end in the space's shape
     */
    public NDArray encode(NDArray x) {
        Shape batch = batchShape(x.getShape());
        if (space instanceof Box || space instanceof MultiBinary) {
            return x.toType(DataType.FLOAT32, false).reshape(batch.add(width));
        }
        NDManager m = x.getManager();
        NDArray values = x.toType(DataType.INT64, false);
        if (space instanceof Discrete) {
            return (offsets[0] == 0 ? values : values.add(m.create(offsets[0]))).oneHot(width);
        }
        // MultiDiscrete: element i's one-hot lands in [offset_i, offset_i + nvec_i); the ranges are
        // disjoint, so the sum over the elements is their concatenation
        return values.add(m.create(offsets)).oneHot(width).sum(new int[] {-2});
    }

    private Shape batchShape(Shape input) {
        int k = input.dimension() - shape.length;
        boolean fits = k >= 0;
        for (int i = 0; fits && i < shape.length; i++) {
            fits = input.get(k + i) == shape[i];
        }
        if (!fits) {
            throw new IllegalArgumentException("observations of " + space + ": expected shape (batch..., "
                    + Arrays.toString(shape).replace("[", "").replace("]", "") + "), got " + input);
        }
        return input.slice(0, k);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameters, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(encode(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {batchShape(inputs[0]).add(width)};
    }

    @Override
    public String toString() {
        return "ObservationEncoder(" + space + " -> " + width + ")";
    }
}
