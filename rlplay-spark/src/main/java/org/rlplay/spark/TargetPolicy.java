package org.rlplay.spark;

import java.io.Serializable;
import org.rlplay.algos.ope.ActionDistribution;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;

/**
 * How an executor gets the policy a job evaluates or scores with: a small serializable description
 * (e.g. a checkpoint's path) shipped with the tasks, {@link #open opened} on the executor, at most
 * once per task slot of an executor JVM and kept for the JVM's lifetime: a task borrows an opened
 * instance for its partition and gives it back for the next task (so a DJL checkpoint is loaded once
 * per executor core, not once per partition). Implementations must be serializable; {@link #key()}
 * names what they load (two sources with one key share instances).
 */
public interface TargetPolicy extends Serializable {

    /** What this source loads, e.g. {@code checkpoint:/runs/ppo-1}; equal keys load equal policies. */
    String key();

    /**
     * Loads the policy for the given spaces, on an executor thread. The result is used by one task
     * at a time (it may keep scratch state) and never closed before the JVM exits.
     */
    ActionDistribution open(Space observations, Discrete actions);
}
