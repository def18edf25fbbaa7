package org.rlplay.algos.ope.bandit;

import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.IntervalMethod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The cross-fitted DJL reward model: deterministic, never scores a row it trained on, and accurate. */
class CrossFittedRewardModelTest {
    private static final SyntheticBandit WORLD = new SyntheticBandit(4, 3, 40, 0.3, 1.5, 2024);

    private static double[] predictions(CrossFittedRewardModel m, int n, int k) {
        double[] out = new double[n * k];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < k; a++) {
                out[i * k + a] = m.predictions().get(i, a);
            }
        }
        return out;
    }

    @Test
    void aFitIsDeterministicForASeed() {
        SyntheticBandit.Draw d = WORLD.draw(900, 1);
        CrossFittedRewardModel.Settings settings = new CrossFittedRewardModel.Settings(3, new int[] {16}, 5, 64, 3e-3f, 7);
        double[] first = predictions(CrossFittedRewardModel.fit(d.contexts(), 3, d.log(), settings), 900, 4);
        double[] second = predictions(CrossFittedRewardModel.fit(d.contexts(), 3, d.log(), settings), 900, 4);
        assertArrayEquals(first, second, 0);
        CrossFittedRewardModel.Settings otherSeed = new CrossFittedRewardModel.Settings(3, new int[] {16}, 5, 64, 3e-3f, 8);
        assertNotEquals(first[0], predictions(CrossFittedRewardModel.fit(d.contexts(), 3, d.log(), otherSeed), 900, 4)[0]);
    }

    @Test
    void theFoldsShippedElsewhereScoreEveryRowAsTheFitDid() throws Exception {
        SyntheticBandit.Draw d = WORLD.draw(300, 3);
        CrossFittedRewardModel m = CrossFittedRewardModel.fit(d.contexts(), 3, d.log(),
                new CrossFittedRewardModel.Settings(3, new int[] {8, 4}, 2, 64, 3e-3f, 4));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(m.models());
        }
        RewardModelFolds shipped;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            shipped = (RewardModelFolds) in.readObject();
        }
        double[] q = new double[4];
        double[] scratch = shipped.scratch();
        for (int i = 0; i < 300; i++) {
            shipped.predict(m.fold(i), d.contexts(), i * 3, scratch, q, 0);
            for (int a = 0; a < 4; a++) {
                assertEquals(m.predictions().get(i, a), q[a], 0, "row " + i);
            }
        }
        shipped.predict((m.fold(0) + 1) % 3, d.contexts(), 0, scratch, q, 0);
        assertNotEquals(m.predictions().get(0, 0), q[0], "another fold's model scores row 0 differently");
    }

    @Test
    void noRowIsScoredByAModelThatSawIt() {
        int n = 600;
        SyntheticBandit.Draw d = WORLD.draw(n, 2);
        CrossFittedRewardModel.Settings settings = new CrossFittedRewardModel.Settings(3, new int[] {16}, 5, 64, 3e-3f, 9);
        CrossFittedRewardModel original = CrossFittedRewardModel.fit(d.contexts(), 3, d.log(), settings);
        // rewrite the rewards of fold 0's rows: only the models of folds 1 and 2 trained on them
        double[] reward = new double[n];
        double[] propensity = new double[n];
        int[] action = new int[n];
        int[] foldSizes = new int[3];
        for (int i = 0; i < n; i++) {
            action[i] = d.log().action(i);
            propensity[i] = d.log().propensity(i);
            reward[i] = original.fold(i) == 0 ? 5 - 3 * d.log().reward(i) : d.log().reward(i);
            foldSizes[original.fold(i)]++;
        }
        assertArrayEquals(new int[] {200, 200, 200}, foldSizes);
        CrossFittedRewardModel changed = CrossFittedRewardModel.fit(d.contexts(), 3,
                BanditLog.of(4, action, reward, propensity), settings);
        int differing = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(original.fold(i), changed.fold(i));
            for (int a = 0; a < 4; a++) {
                if (original.fold(i) == 0) {
                    assertEquals(original.predictions().get(i, a), changed.predictions().get(i, a), 0, "row " + i);
                } else if (original.predictions().get(i, a) != changed.predictions().get(i, a)) {
                    differing++;
                }
            }
        }
        assertEquals(400 * 4, differing);
    }

    @Test
    void theModelLearnsTheRewardFunctionAndMakesDmAndDrAccurate() {
        int n = 6000;
        SyntheticBandit.Draw d = WORLD.draw(n, 3);
        CrossFittedRewardModel model = CrossFittedRewardModel.fit(d.contexts(), 3, d.log(),
                CrossFittedRewardModel.Settings.defaults(11));
        double squares = 0;
        double baseline = 0;
        double meanReward = 0;
        for (int i = 0; i < n; i++) {
            meanReward += d.log().reward(i) / n;
        }
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < 4; a++) {
                double error = model.predictions().get(i, a) - d.expected().get(i, a);
                squares += error * error;
                baseline += Math.pow(meanReward - d.expected().get(i, a), 2);
            }
        }
        double rmse = Math.sqrt(squares / (4 * n));
        double baselineRmse = Math.sqrt(baseline / (4 * n));
        double truth = WORLD.trueTargetValue();
        BanditEvaluation e = BanditEvaluation.of(d.log(), d.target()).withRewardModel(model.predictions());
        double dm = BanditEstimator.dm().value(e);
        OffPolicyEstimate dr = BanditEstimator.dr().estimate(e, IntervalMethod.normal(0.95));
        System.out.printf("reward model rmse %.4f (constant %.4f); truth %.4f, dm %.4f, dr %.4f [%.4f, %.4f]%n",
                rmse, baselineRmse, truth, dm, dr.value(), dr.lower(), dr.upper());
        assertTrue(rmse < 0.4 * baselineRmse, "rmse " + rmse + " vs constant " + baselineRmse);
        assertEquals(truth, dm, 0.03);
        assertTrue(dr.lower() <= truth && truth <= dr.upper(), dr.toString());
    }

    @Test
    void badSettingsAndContextsAreRefused() {
        SyntheticBandit.Draw d = WORLD.draw(10, 4);
        assertThrows(IllegalArgumentException.class,
                () -> new CrossFittedRewardModel.Settings(1, new int[] {8}, 1, 8, 1e-3f, 0));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> CrossFittedRewardModel.fit(new float[29], 3, d.log(), CrossFittedRewardModel.Settings.defaults(0)));
        assertEquals("reward model: 29 context values are not 10 rows of width 3", shape.getMessage());
        float[] contexts = d.contexts().clone();
        contexts[7] = Float.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> CrossFittedRewardModel.fit(contexts, 3, d.log(), CrossFittedRewardModel.Settings.defaults(0)));
        assertEquals("row 2: context feature 1 is NaN: contexts must be finite", nan.getMessage());
    }
}
