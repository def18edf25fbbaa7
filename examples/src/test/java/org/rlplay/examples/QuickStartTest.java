package org.rlplay.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The README's loop learns: well above the random policy's ~22 after a short, seeded run. */
class QuickStartTest {

    @Test
    void readmeTrainingLoopLearnsCartPole() {
        double meanReturn = QuickStart.train(40_000, 1);
        assertTrue(meanReturn > 60, "mean return over the last 100 episodes: " + meanReturn);
    }
}
