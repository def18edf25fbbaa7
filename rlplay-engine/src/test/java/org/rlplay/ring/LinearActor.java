package org.rlplay.ring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;

/**
 * An actor whose info {@code "y"} is a DJL {@code Linear(1)} of the observation: with the weight
 * set to 0 and the bias to b, every record of every env reports y = b, so a fragment shows which
 * weights collected it. Takes action 0.
 */
final class LinearActor implements Actor {
    final Block block;
    private final ParameterStore parameters;

    LinearActor(Block block) {
        this.block = block;
        this.parameters = new ParameterStore(block.getParameters().valueAt(0).getArray().getManager(), false);
    }

    /** A {@code Linear(units)} block over observations of {@code obsSize}, initialised in {@code manager}. */
    static Block linear(NDManager manager, int units, int obsSize) {
        Block b = Linear.builder().setUnits(units).build();
        b.initialize(manager, DataType.FLOAT32, new Shape(1, obsSize));
        return b;
    }

    /** Sets every weight of {@code b} to {@code weight} and every bias to {@code bias}, in place. */
    static void fill(Block b, float weight, float bias) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (Parameter p : b.getParameters().values()) {
                NDArray a = p.getArray();
                try (NDManager scratch = a.getManager().newSubManager()) {
                    a.set(new NDIndex("..."), scratch.full(a.getShape(), p.getName().contains("bias") ? bias : weight));
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    @Override
    public NDList step(RecordBatch records, NDList hx, boolean virtual, ActorOutput out) {
        NDArray y = block.forward(parameters, new NDList(records.obs()), false).singletonOrThrow();
        y.setName("y");
        out.info(new NDList(y));
        if (!virtual) {
            for (int j = 0; j < records.numEnvs(); j++) {
                out.actions().setDiscrete(j, 0);
            }
        }
        return null;
    }
}
