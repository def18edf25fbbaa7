package org.rlplay.algos.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each loss term against hand-computed values (and gradients where the detaching matters). */
class LossTermsTest {
    static final float EPS = 1e-5f;
    static final float LN2 = (float) Math.log(2);
    static final float LN3 = (float) Math.log(3);
    NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    /** Row 0: p = (1/4, 3/4); row 1: uniform. */
    NDArray logits() {
        return m.create(new float[] {0, LN3, LN2, LN2}, new Shape(2, 2));
    }

    NDArray actions() {
        return m.create(new long[] {1, 0});
    }

    @Test
    void categoricalLogProbAndEntropyFromLogits() {
        assertArrayEquals(new float[] {(float) Math.log(0.75), (float) Math.log(0.5)},
                Categorical.logProb(logits(), actions()).toFloatArray(), EPS);
        assertArrayEquals(new float[] {(float) Math.log(0.25), (float) Math.log(0.75), -LN2, -LN2},
                Categorical.logProbs(logits()).toFloatArray(), EPS);
        // H(1/4, 3/4) = -(.25 ln .25 + .75 ln .75) = 0.5623351; H(uniform 2) = ln 2
        assertArrayEquals(new float[] {0.5623351f, LN2}, Categorical.entropy(logits()).toFloatArray(), EPS);
    }

    @Test
    void categoricalWorksOnTimeByEnvBatches() {
        NDArray logits = m.create(new float[] {0, LN3, LN2, LN2, 0, 0, 5, 5}, new Shape(2, 2, 2));
        NDArray actions = m.create(new long[] {1, 0, 1, 0}, new Shape(2, 2));
        NDArray lp = Categorical.logProb(logits, actions);
        assertEquals(new Shape(2, 2), lp.getShape());
        assertArrayEquals(new float[] {(float) Math.log(0.75), -LN2, -LN2, -LN2}, lp.toFloatArray(), EPS);
        assertEquals(new Shape(2, 2), Categorical.entropy(logits).getShape());
        assertThrows(IllegalArgumentException.class, () -> Categorical.logProb(logits, m.create(new long[] {1, 0})));
    }

    @Test
    void policyTermIsMinusMeanLogProbTimesDetachedAdvantage() {
        NDArray logits = logits();
        NDArray adv = m.create(new float[] {2, -1});
        logits.setRequiresGradient(true);
        adv.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = PolicyGradient.policyLoss(Categorical.logProb(logits, actions()), adv);
            // -(2 ln .75 + (-1) ln .5) / 2
            assertEquals(-(2 * Math.log(0.75) - Math.log(0.5)) / 2, loss.getFloat(), EPS);
            gc.backward(loss);
        }
        // d/dlogits = -(A/B) (onehot(a) - p): row 0 -(1)((0,1) - (.25,.75)), row 1 -(-.5)((1,0) - (.5,.5))
        assertArrayEquals(new float[] {0.25f, -0.25f, 0.25f, -0.25f}, logits.getGradient().toFloatArray(), EPS);
        assertArrayEquals(new float[] {0, 0}, adv.getGradient().toFloatArray(), "advantages are detached");
    }

    @Test
    void valueTermIsHalfMeanSquaredErrorWithDetachedTargets() {
        NDArray values = m.create(new float[] {1, 3});
        NDArray targets = m.create(new float[] {2, 2});
        values.setRequiresGradient(true);
        targets.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = Regression.halfSquaredError(values, targets);
            assertEquals(0.5f, loss.getFloat(), EPS);
            gc.backward(loss);
        }
        assertArrayEquals(new float[] {-0.5f, 0.5f}, values.getGradient().toFloatArray(), EPS);
        assertArrayEquals(new float[] {0, 0}, targets.getGradient().toFloatArray());
    }

    @Test
    void mismatchedShapesAreRejectedInsteadOfBroadcast() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Regression.halfSquaredError(m.create(new float[] {1, 3}, new Shape(2, 1)), m.create(new float[] {2, 2})));
        assertTrue(e.getMessage().startsWith("targets"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> PolicyGradient.policyLoss(m.create(new float[] {1, 3}), m.create(new float[] {1, 2, 3})));
    }

    @Test
    void a2cCombinesTheThreeTerms() {
        PolicyGradient.A2cLoss loss = PolicyGradient.a2c(logits(), actions(), m.create(new float[] {1, 3}),
                m.create(new float[] {2, -1}), m.create(new float[] {2, 2}), 0.5f, 0.01f);
        double policy = -(2 * Math.log(0.75) - Math.log(0.5)) / 2;
        double entropy = (0.5623351 + Math.log(2)) / 2;
        assertEquals(policy, loss.policy().getFloat(), EPS);
        assertEquals(0.5f, loss.value().getFloat(), EPS);
        assertEquals(entropy, loss.entropy().getFloat(), EPS);
        assertEquals(policy + 0.5 * 0.5 - 0.01 * entropy, loss.total().getFloat(), EPS);
    }

    @Test
    void normalizedAdvantagesHaveZeroMeanAndUnitStd() {
        // mean 2, population std sqrt(2/3)
        NDArray a = PolicyGradient.normalize(m.create(new float[] {1, 2, 3}));
        float s = (float) Math.sqrt(2.0 / 3.0);
        assertArrayEquals(new float[] {-1 / s, 0, 1 / s}, a.toFloatArray(), 1e-4f);
    }

    @Test
    void ppoClippedSurrogateTakesThePessimisticTerm() {
        // ratios 1.2 and 0.6, both advantages +1, eps 0.1: min(1.2, 1.1) = 1.1, min(.6, .9) = .6
        NDArray logProb = m.create(new float[] {(float) Math.log(0.6), (float) Math.log(0.3)});
        NDArray old = m.create(new float[] {(float) Math.log(0.5), (float) Math.log(0.5)});
        NDArray adv = m.create(new float[] {1, 1});
        logProb.setRequiresGradient(true);
        old.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = ClippedSurrogate.loss(logProb, old, adv, 0.1f);
            assertEquals(-(1.1 + 0.6) / 2, loss.getFloat(), EPS);
            gc.backward(loss);
        }
        // the clipped sample has no gradient; the other: d/dlogProb (-r A / B) = -.6 / 2
        assertArrayEquals(new float[] {0f, -0.3f}, logProb.getGradient().toFloatArray(), EPS);
        assertArrayEquals(new float[] {0f, 0f}, old.getGradient().toFloatArray(), "old log-probs are detached");
        // negative advantage: r = .6, A = -1: min(-.6, -.9) = -.9
        NDArray negative = ClippedSurrogate.loss(logProb, old, m.create(new float[] {1, -1}), 0.1f);
        assertEquals(-(1.1 - 0.9) / 2, negative.getFloat(), EPS);
    }

    @Test
    void ppoDiagnostics() {
        NDArray logProb = m.create(new float[] {(float) Math.log(0.6), (float) Math.log(0.3)});
        NDArray old = m.create(new float[] {(float) Math.log(0.5), (float) Math.log(0.5)});
        // k3 = mean((r - 1) - ln r) = ((.2 - ln 1.2) + (-.4 - ln .6)) / 2
        double kl = ((0.2 - Math.log(1.2)) + (-0.4 - Math.log(0.6))) / 2;
        assertEquals(kl, ClippedSurrogate.approxKl(logProb, old).getFloat(), EPS);
        assertEquals(1f, ClippedSurrogate.clipFraction(logProb, old, 0.1f).getFloat(), EPS);
        assertEquals(0.5f, ClippedSurrogate.clipFraction(logProb, old, 0.3f).getFloat(), EPS);
    }

    @Test
    void huberIsQuadraticInsideDeltaAndLinearOutside() {
        NDArray pred = m.create(new float[] {0, 0, 0});
        NDArray target = m.create(new float[] {0.5f, -2, 3});
        pred.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = Regression.huber(pred, target, 1f);
            // errors -.5, 2, -3: .125, 1.5, 2.5
            assertEquals(4.125f / 3, loss.getFloat(), EPS);
            gc.backward(loss);
        }
        assertArrayEquals(new float[] {-0.5f / 3, 1f / 3, -1f / 3}, pred.getGradient().toFloatArray(), EPS);
        // delta 2: .125, .5 * 4 = 2, 2 * (3 - 1) = 4
        assertEquals(6.125f / 3, Regression.huber(pred, target, 2f).getFloat(), EPS);
    }

    @Test
    void dqnTargetsMaxOverTheTargetNetworkAndMaskTerminals() {
        NDArray rew = m.create(new float[] {1, 2, 3});
        NDArray done = m.create(new boolean[] {false, true, false});
        NDArray nextTarget = m.create(new float[] {1, 5, 7, 2, 4, 0}, new Shape(3, 2));
        NDArray nextOnline = m.create(new float[] {3, 1, 0, 9, 1, 2}, new Shape(3, 2));
        // max target (5, 7, 4): 1 + .9*5, 2 (terminated), 3 + .9*4
        assertArrayEquals(new float[] {5.5f, 2f, 6.6f}, Dqn.targets(rew, done, nextTarget, 0.9f).toFloatArray(), EPS);
        // online argmax (0, 1, 1) evaluated by the target: (1, 2, 0)
        assertArrayEquals(new float[] {1.9f, 2f, 3f},
                Dqn.doubleTargets(rew, done, nextOnline, nextTarget, 0.9f).toFloatArray(), EPS);
        NDArray doneFloat = m.create(new float[] {0, 1, 0});
        assertArrayEquals(new float[] {1.9f, 2f, 3f},
                Dqn.doubleTargets(rew, doneFloat, nextOnline, nextTarget, 0.9f).toFloatArray(), EPS);
    }

    @Test
    void dqnTargetsCarryNoGradientAndChosenPicksTheActionsQ() {
        NDArray q = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
        assertArrayEquals(new float[] {2, 3}, Dqn.chosen(q, m.create(new long[] {1, 0})).toFloatArray());
        NDArray next = m.create(new float[] {1, 5, 7, 2}, new Shape(2, 2));
        next.setRequiresGradient(true);
        q.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = Dqn.doubleTargets(m.create(new float[] {0, 0}), m.create(new float[] {0, 0}), next, next, 1f);
            NDArray loss = Regression.huber(Dqn.chosen(q, m.create(new long[] {1, 0})), y, 1f);
            gc.backward(loss);
        }
        // errors 2 - 5 and 3 - 7: both clipped at -1, over 2 samples
        assertArrayEquals(new float[] {0, -0.5f, -0.5f, 0}, q.getGradient().toFloatArray(), EPS);
        assertArrayEquals(new float[] {0, 0, 0, 0}, next.getGradient().toFloatArray());
    }
}
