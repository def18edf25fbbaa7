package org.rlplay.algos.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Sums, minimum, prefix search and the sampling distribution of the sum tree. */
class SumTreeTest {

    @Test
    void keepsSumAndMinimumThroughUpdates() {
        SumTree tree = new SumTree(5);
        assertEquals(0, tree.total());
        assertEquals(Double.POSITIVE_INFINITY, tree.min());
        tree.set(0, 1);
        tree.set(1, 2);
        tree.set(4, 4);
        assertEquals(7, tree.total(), 1e-12);
        assertEquals(1, tree.min(), 1e-12);
        tree.set(0, 3);
        assertEquals(9, tree.total(), 1e-12);
        assertEquals(2, tree.min(), 1e-12);
        assertEquals(3, tree.get(0), 1e-12);
    }

    @Test
    void findReturnsTheLeafWhoseCumulativeRangeHoldsTheMass() {
        SumTree tree = new SumTree(5);
        tree.set(0, 1);
        tree.set(1, 2);
        tree.set(4, 4);
        // ranges: leaf 0 [0, 1), leaf 1 [1, 3), leaves 2, 3 empty, leaf 4 [3, 7)
        assertEquals(0, tree.find(0));
        assertEquals(0, tree.find(0.999));
        assertEquals(1, tree.find(1));
        assertEquals(1, tree.find(2.999));
        assertEquals(4, tree.find(3));
        assertEquals(4, tree.find(6.999));
        assertEquals(4, tree.find(7.5), "mass rounded past the total lands on the last positive leaf");
    }

    @Test
    void samplingFrequenciesFollowThePriorities() {
        int k = 10;
        SumTree tree = new SumTree(k);
        double[] p = new double[k];
        double total = 0;
        for (int i = 0; i < k; i++) {
            tree.set(i, i + 1);
            total += i + 1;
        }
        for (int i = 0; i < k; i++) {
            p[i] = (i + 1) / total;
        }
        SplittableRandom rng = new SplittableRandom(123);
        int n = 200_000;
        int[] counts = new int[k];
        for (int d = 0; d < n; d++) {
            counts[tree.find(rng.nextDouble() * tree.total())]++;
        }
        double chi2 = Stats.chiSquare(counts, p, n);
        assertTrue(chi2 < Stats.chiSquareCritical999(k - 1), "chi-square " + chi2);
        // and a clearly wrong hypothesis (uniform) is rejected by the same test
        assertTrue(Stats.chiSquare(counts, Stats.uniform(k), n) > Stats.chiSquareCritical999(k - 1));
    }

    @Test
    void rejectsNonPositivePriorities() {
        SumTree tree = new SumTree(3);
        assertThrows(IllegalArgumentException.class, () -> tree.set(0, 0));
        assertThrows(IllegalArgumentException.class, () -> tree.set(0, Double.NaN));
        assertThrows(IndexOutOfBoundsException.class, () -> tree.set(3, 1));
    }
}
