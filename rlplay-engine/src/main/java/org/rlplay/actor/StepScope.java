package org.rlplay.actor;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The DJL memory scope of one collector iteration: a sub-manager of the collector's base manager,
 * opened on first use and closed at the end of the iteration, so an actor that never touches DJL
 * costs nothing, and every array an actor creates during a step is released after it.
 *
 * <p>Owned by one collector and used only on its thread. Opening the base manager also turns
 * PyTorch's (thread-local) grad mode off on that thread.
 */
final class StepScope implements AutoCloseable {
    private NDManager base;
    private NDManager step;

    /** The current iteration's manager, opened on first call. */
    NDManager manager() {
        if (step == null) {
            step = base().newSubManager();
        }
        return step;
    }

    /** The long-lived manager of this scope's owner (holds the actor's hx between iterations). */
    NDManager base() {
        if (base == null) {
            base = NDManager.newBaseManager();
            JniUtils.setGradMode(false);
        }
        return base;
    }

    /** True once DJL has been used by this collector. */
    boolean isOpen() {
        return base != null;
    }

    /** Turns grad mode off on the calling thread if DJL is in use (collectors call it per fragment). */
    void noGrad() {
        if (base != null) {
            JniUtils.setGradMode(false);
        }
    }

    /** Ends the iteration: closes its manager and every array created in it. */
    void endIteration() {
        if (step != null) {
            step.close();
            step = null;
        }
    }

    /** Closes the iteration and the base manager. Idempotent. */
    @Override
    public void close() {
        endIteration();
        if (base != null) {
            base.close();
            base = null;
        }
    }
}
