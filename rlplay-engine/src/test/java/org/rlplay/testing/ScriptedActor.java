package org.rlplay.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;

/**
 * A deterministic recurrent actor for semantics tests. Its hx is one (1, N) float array counting
 * the real (non-virtual) steps each env has seen since its last reset. At each step it reports
 * info {@code "hx"} (the count before the step) and {@code "obsStep"} (obs element 2), and picks
 * action {@link #action(int, float)} from the stepno and the observation.
 */
public final class ScriptedActor implements Actor {
    /** (fragment-independent) calls to reset, in order: the env index of each. */
    public final List<Integer> resets = new ArrayList<>();
    public int virtualSteps;
    public int realSteps;

    /** The action chosen for an env at stepno {@code stepno} observing {@code obsStep}. */
    public static int action(int stepno, float obsStep) {
        return (stepno + (int) obsStep * 2 + 1) % 3;
    }

    @Override
    public NDList reset(NDList hx, int at) {
        resets.add(at);
        return Actor.super.reset(hx, at);
    }

    @Override
    public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
        NDManager m = in.manager();
        int n = in.numEnvs();
        NDArray count = hx == null ? m.zeros(new Shape(1, n), DataType.FLOAT32) : hx.get(0);
        NDArray before = count.reshape(n);
        before.setName("hx");
        NDArray obsStep = in.obs().get(":, 2");
        obsStep.setName("obsStep");
        out.info(new NDList(before, obsStep));
        if (virtual) {
            virtualSteps++;
            return hx;
        }
        realSteps++;
        for (int j = 0; j < n; j++) {
            out.actions().setDiscrete(j, action(in.stepno(j), in.obs(j, 2)));
        }
        return new NDList(count.add(1f));
    }
}
