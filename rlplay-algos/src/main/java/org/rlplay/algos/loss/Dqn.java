package org.rlplay.algos.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Q-learning targets for DQN and double DQN over a batch of B transitions {@code (s, a, r, s', done)},
 * e.g. a {@link org.rlplay.fragment.TransitionBatch}.
 *
 * <p>{@code done} is true only where the episode <em>terminated</em> at {@code s'}: a transition cut
 * by a time limit has {@code done = false} and {@code s'} its true final observation (the
 * fragment's {@code finalObs}), so its target bootstraps from {@code Q(s', .)} as DESIGN.md section 2
 * requires. {@code done} may be boolean or numeric (1 = terminated).
 *
 * <p>Shapes: {@code q}, {@code nextQOnline}, {@code nextQTarget} are (B, A); {@code actions},
 * {@code rew}, {@code done} are (B). Targets are detached (no gradient reaches the target network
 * or the online network's evaluation of {@code s'}); they are created in the manager of {@code rew}.
 * Stateless.
 */
public final class Dqn {
    private Dqn() {
    }

    /** {@code Q(s, a)}: the entries of {@code q} (B, A) at the actions taken (B), shaped (B). */
    public static NDArray chosen(NDArray q, NDArray actions) {
        return gather(q, actions);
    }

    /** DQN targets {@code y = r + gamma * (1 - done) * max_a' Q_target(s', a')}. */
    public static NDArray targets(NDArray rew, NDArray done, NDArray nextQTarget, float gamma) {
        checkGamma(gamma);
        checkBatch(rew, done, nextQTarget);
        NDArray best = nextQTarget.stopGradient().max(new int[] {1});
        return bootstrap(rew, done, best, gamma);
    }

    /**
     * Double-DQN targets (van Hasselt et al. 2016): the online network chooses, the target network
     * evaluates, {@code y = r + gamma * (1 - done) * Q_target(s', argmax_a' Q_online(s', a'))}.
     */
    public static NDArray doubleTargets(NDArray rew, NDArray done, NDArray nextQOnline, NDArray nextQTarget,
                                        float gamma) {
        checkGamma(gamma);
        checkBatch(rew, done, nextQTarget);
        Shapes.requireSame("nextQOnline", nextQOnline, "nextQTarget", nextQTarget);
        NDArray choice = nextQOnline.stopGradient().argMax(1);
        NDArray evaluated = gather(nextQTarget.stopGradient(), choice);
        return bootstrap(rew, done, evaluated, gamma);
    }

    private static NDArray gather(NDArray q, NDArray actions) {
        if (q.getShape().dimension() != 2 || !actions.getShape().equals(q.getShape().slice(0, 1))) {
            throw new IllegalArgumentException("actions: expected shape (B) = " + q.getShape().slice(0, 1)
                    + " for Q-values " + q.getShape() + ", got " + actions.getShape());
        }
        try (NDArray index = actions.expandDims(1)) {
            return q.gather(index, 1).squeeze(1);
        }
    }

    private static NDArray bootstrap(NDArray rew, NDArray done, NDArray nextValue, float gamma) {
        NDArray terminal = done.toType(DataType.FLOAT32, false);
        NDArray discount = terminal.mul(-gamma).add(gamma);
        return rew.stopGradient().add(discount.mul(nextValue)).stopGradient();
    }

    private static void checkBatch(NDArray rew, NDArray done, NDArray nextQ) {
        if (rew.getShape().dimension() != 1) {
            throw new IllegalArgumentException("rew: expected shape (B), got " + rew.getShape());
        }
        Shapes.requireSame("done", done, "rew", rew);
        if (nextQ.getShape().dimension() != 2 || nextQ.getShape().get(0) != rew.getShape().get(0)) {
            throw new IllegalArgumentException("nextQTarget: expected shape (B=" + rew.getShape().get(0)
                    + ", A), got " + nextQ.getShape());
        }
    }

    private static void checkGamma(float gamma) {
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
        }
    }
}
