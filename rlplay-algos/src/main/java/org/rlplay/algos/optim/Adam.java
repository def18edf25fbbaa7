package org.rlplay.algos.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import org.rlplay.algos.state.Resumable;

/**
 * Adam (Kingma and Ba 2015, "Adam: A Method for Stochastic Optimization") over a fixed list of
 * parameters, whose state (the step count and every parameter's first and second moment
 * estimates) can be saved and restored, so that a resumed training run continues exactly.
 *
 * <p>Numerically identical to DJL's {@code Optimizer.adam()} (0.35) without weight decay or
 * gradient rescaling: the same bias-corrected learning rate, computed in the same precision, goes
 * to the same native update ({@code NDArrayEx.adamUpdate}), which updates the weight and both
 * moments in place. At step {@code t} (from 1):
 * <pre>
 *   m = beta1 * m + (1 - beta1) * g        v = beta2 * v + (1 - beta2) * g^2
 *   w = w - lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)
 * </pre>
 * The moments live in each parameter's NDManager (created at the first step), so they are
 * released with the parameters.
 *
 * <p>Used by the training loop's thread only; not thread-safe.
 */
public final class Adam implements Resumable {
    private static final int MAGIC = 0x41444d31;   // "ADM1"

    private final List<Parameter> parameters;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final NDArray[] means;
    private final NDArray[] variances;
    private long steps;

    /**
     * @param parameters the parameters to update, in a fixed order (the order of the gradients
     *                   given to {@link #step} and of the saved state)
     * @param beta1      decay of the first moment, in [0, 1)
     * @param beta2      decay of the second moment, in [0, 1)
     * @param epsilon    added to the root of the second moment, &gt; 0
     */
    public Adam(List<Parameter> parameters, float beta1, float beta2, float epsilon) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException("Adam: need beta1, beta2 in [0, 1) and epsilon > 0, got beta1=" + beta1
                    + " beta2=" + beta2 + " epsilon=" + epsilon);
        }
        this.parameters = List.copyOf(parameters);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.means = new NDArray[this.parameters.size()];
        this.variances = new NDArray[this.parameters.size()];
    }

    /** Adam with DJL's default moment decays, 0.9 and 0.999. */
    public static Adam of(List<Parameter> parameters, float epsilon) {
        return new Adam(parameters, 0.9f, 0.999f, epsilon);
    }

    /** Steps taken (restored ones included). */
    public long steps() {
        return steps;
    }

    /**
     * One step: updates every parameter with its gradient, in place.
     *
     * @param grads        the gradients, one per parameter, in the constructor's order
     * @param learningRate the step's learning rate, &gt; 0
     */
    public void step(NDArray[] grads, float learningRate) {
        if (grads.length != parameters.size()) {
            throw new IllegalArgumentException("grads: expected " + parameters.size() + " gradients, got " + grads.length);
        }
        long t = steps + 1;
        double coef1 = 1.0 - Math.pow(beta1, t);
        double coef2 = 1.0 - Math.pow(beta2, t);
        float corrected = (float) (learningRate * Math.sqrt(coef2) / coef1);
        if (!Float.isFinite(corrected)) {
            throw new IllegalArgumentException("learning rate " + learningRate + " gives a non-finite Adam step");
        }
        for (int i = 0; i < grads.length; i++) {
            NDArray weight = parameters.get(i).getArray();
            if (means[i] == null) {
                means[i] = weight.zerosLike();
                variances[i] = weight.zerosLike();
            }
            weight.getNDArrayInternal().adamUpdate(new NDList(weight, grads[i], means[i], variances[i]),
                    new NDList(weight), learningRate, corrected, 0f, 1f, -1f, beta1, beta2, epsilon, true, false);
        }
        steps = t;
    }

    /**
     * Writes the step count and every parameter's moments (name, shape, values) to {@code out}.
     * At a step boundary, on the training loop's thread.
     */
    @Override
    public void saveState(DataOutput out) throws IOException {
        out.writeInt(MAGIC);
        out.writeLong(steps);
        out.writeInt(parameters.size());
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            out.writeUTF(p.getName());
            long[] shape = p.getArray().getShape().getShape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            out.writeBoolean(means[i] != null);
            if (means[i] != null) {
                writeFloats(out, means[i].toType(DataType.FLOAT32, false).toFloatArray());
                writeFloats(out, variances[i].toType(DataType.FLOAT32, false).toFloatArray());
            }
        }
    }

    /**
     * Replaces this optimizer's state with one written by {@link #saveState} for the same parameters.
     *
     * @throws IOException if the state is not an Adam state of these parameters (names, shapes)
     */
    @Override
    public void restoreState(DataInput in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not an Adam state");
        }
        long savedSteps = in.readLong();
        int count = in.readInt();
        if (count != parameters.size()) {
            throw new IOException("Adam state of " + count + " parameters, the optimizer has " + parameters.size());
        }
        NDArray[] m = new NDArray[count];
        NDArray[] v = new NDArray[count];
        for (int i = 0; i < count; i++) {
            Parameter p = parameters.get(i);
            String name = in.readUTF();
            long[] shape = new long[in.readInt()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = in.readLong();
            }
            Shape expected = p.getArray().getShape();
            if (!name.equals(p.getName()) || !expected.equals(new Shape(shape))) {
                throw new IOException("Adam state: parameter " + i + " is " + name + " " + new Shape(shape)
                        + ", the optimizer's is " + p.getName() + " " + expected);
            }
            if (in.readBoolean()) {
                int size = Math.toIntExact(expected.size());
                m[i] = p.getArray().getManager().create(readFloats(in, size), expected);
                v[i] = p.getArray().getManager().create(readFloats(in, size), expected);
            }
        }
        for (int i = 0; i < count; i++) {
            close(means[i]);
            close(variances[i]);
            means[i] = m[i];
            variances[i] = v[i];
        }
        steps = savedSteps;
    }

    private static void close(NDArray a) {
        if (a != null) {
            a.close();
        }
    }

    private static void writeFloats(DataOutput out, float[] values) throws IOException {
        for (float f : values) {
            out.writeFloat(f);
        }
    }

    private static float[] readFloats(DataInput in, int size) throws IOException {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }
}
