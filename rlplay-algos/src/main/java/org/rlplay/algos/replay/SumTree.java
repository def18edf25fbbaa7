package org.rlplay.algos.replay;

import java.util.Arrays;

/**
 * A complete binary tree over {@code capacity} non-negative leaf priorities that keeps, in every
 * inner node, the sum and the minimum of its subtree: O(log n) updates, prefix-sum search and
 * global minimum for prioritized replay. Leaves never set count as 0 in sums and are ignored by
 * the minimum. Sums are kept in {@code double}. Not thread-safe.
 */
final class SumTree {
    private final int capacity;
    private final int leaves;
    private final double[] sum;
    private final double[] min;

    SumTree(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        int p = 1;
        while (p < capacity) {
            p <<= 1;
        }
        this.leaves = p;
        this.sum = new double[2 * p];
        this.min = new double[2 * p];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
    }

    int capacity() {
        return capacity;
    }

    /** Sets leaf i's priority, which must be positive and finite. */
    void set(int i, double priority) {
        if (i < 0 || i >= capacity) {
            throw new IndexOutOfBoundsException("leaf " + i + " of " + capacity);
        }
        if (!(priority > 0) || Double.isInfinite(priority)) {
            throw new IllegalArgumentException("priority must be positive and finite, got " + priority + " at slot " + i);
        }
        int k = i + leaves;
        sum[k] = priority;
        min[k] = priority;
        for (k >>= 1; k >= 1; k >>= 1) {
            sum[k] = sum[2 * k] + sum[2 * k + 1];
            min[k] = Math.min(min[2 * k], min[2 * k + 1]);
        }
    }

    double get(int i) {
        return sum[i + leaves];
    }

    /** The sum of all priorities. */
    double total() {
        return sum[1];
    }

    /** The smallest priority set so far (infinity if none). */
    double min() {
        return min[1];
    }

    /**
     * The leaf whose cumulative range {@code [prefix(i), prefix(i) + p_i)} contains {@code mass}, for
     * {@code 0 <= mass < total()}; rounding at the upper end lands on the last positive leaf. Never
     * returns a leaf of priority 0 while {@code total() > 0}.
     */
    int find(double mass) {
        int k = 1;
        while (k < leaves) {
            int left = 2 * k;
            if (mass < sum[left] || sum[left + 1] <= 0) {
                k = left;
            } else {
                mass -= sum[left];
                k = left + 1;
            }
        }
        return k - leaves;
    }
}
