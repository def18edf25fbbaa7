package org.rlplay.algos.replay;

import java.util.random.RandomGenerator;
import org.rlplay.env.space.Space;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.TransitionBatch;

/**
 * Proportional prioritized experience replay (Schaul et al. 2016) over a {@link ReplayBuffer}: the
 * same transitions, ring order and fragment rules, sampled with probability proportional to a
 * priority kept in a sum tree.
 * <pre>
 *   p_i  = (|delta_i| + epsilon)^alpha       set by updatePriorities from TD errors delta_i
 *   P(i) = p_i / sum_k p_k                   sampling probability (with replacement)
 *   w_i  = (N * P(i))^-beta / max_k (N * P(k))^-beta  =  (min_k p_k / p_i)^beta
 * </pre>
 * New transitions enter with the largest priority given so far (1 before any update), so each is
 * likely to be replayed at least once. {@code alpha = 0} is uniform sampling; {@code beta} is
 * usually annealed from about 0.4 to 1 over training.
 *
 * <p>A priority update refers to slots; if a slot was overwritten by a newer transition between
 * {@code sample} and {@code updatePriorities}, the newer transition receives the priority (as in
 * the usual implementations). Owned and used by one thread; not thread-safe. Sampling and updates
 * cost O(B log capacity) and allocate nothing.
 */
public final class PrioritizedReplayBuffer {
    private final ReplayBuffer buffer;
    private final SumTree tree;
    private final double alpha;
    private final double epsilon;
    private double maxPriority = 1;

    /**
     * @param capacity the number of transitions kept, at least 1
     * @param alpha    how much prioritization is used, in [0, 1]
     * @param epsilon  added to |delta| so that no transition gets priority 0, &gt; 0
     */
    public PrioritizedReplayBuffer(Space observationSpace, Space actionSpace, int capacity, float alpha,
                                   float epsilon) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        if (!(epsilon > 0) || Float.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
        }
        this.buffer = new ReplayBuffer(observationSpace, actionSpace, capacity);
        this.tree = new SumTree(capacity);
        this.alpha = alpha;
        this.epsilon = epsilon;
    }

    public int capacity() {
        return buffer.capacity();
    }

    public int size() {
        return buffer.size();
    }

    public long added() {
        return buffer.added();
    }

    /** Stores the real transitions of {@code f} as {@link ReplayBuffer#add} does, at the largest priority. */
    public int add(Fragment f) {
        long first = buffer.added();
        int count = buffer.add(f);
        int capacity = buffer.capacity();
        for (int k = Math.max(0, count - capacity); k < count; k++) {
            tree.set((int) ((first + k) % capacity), maxPriority);
        }
        return count;
    }

    /** A batch of {@code batchSize} rows shaped for this buffer. */
    public TransitionBatch newBatch(int batchSize) {
        return buffer.newBatch(batchSize);
    }

    /**
     * Draws {@code batch.size()} slots with probability {@code P(i)}, with replacement, copies them
     * into {@code batch} and writes their importance weights {@code w_i} (at most 1).
     *
     * @param beta the importance-sampling exponent, in [0, 1]
     * @throws IllegalStateException if the buffer is empty
     */
    public void sample(RandomGenerator rng, float beta, TransitionBatch batch) {
        if (!(beta >= 0 && beta <= 1)) {
            throw new IllegalArgumentException("beta must be in [0, 1], got " + beta);
        }
        if (buffer.size() == 0) {
            throw new IllegalStateException("cannot sample from an empty replay buffer");
        }
        double total = tree.total();
        double min = tree.min();
        int[] indices = batch.indices();
        float[] weights = batch.weights();
        for (int b = 0; b < indices.length; b++) {
            int slot = tree.find(rng.nextDouble() * total);
            indices[b] = slot;
            weights[b] = (float) Math.pow(min / tree.get(slot), beta);
        }
        buffer.gather(batch);
    }

    /**
     * Sets the priorities of the slots {@code batch.indices()} from the TD errors of the batch's rows:
     * {@code p = (|tdErrors[b]| + epsilon)^alpha}.
     *
     * @throws IllegalArgumentException if {@code tdErrors} does not hold one finite value per row
     */
    public void updatePriorities(TransitionBatch batch, float[] tdErrors) {
        int[] indices = batch.indices();
        if (tdErrors.length != indices.length) {
            throw new IllegalArgumentException("tdErrors: expected one per batch row (" + indices.length + "), got "
                    + tdErrors.length);
        }
        for (int b = 0; b < indices.length; b++) {
            float delta = tdErrors[b];
            if (!Float.isFinite(delta)) {
                throw new IllegalArgumentException("tdErrors: non-finite value " + delta + " at row " + b);
            }
            double p = Math.pow(Math.abs(delta) + epsilon, alpha);
            tree.set(indices[b], p);
            maxPriority = Math.max(maxPriority, p);
        }
    }

    /** The current priority {@code p_i} of slot {@code slot}. */
    public double priority(int slot) {
        if (slot < 0 || slot >= buffer.size()) {
            throw new IndexOutOfBoundsException("slot " + slot + " of " + buffer.size() + " stored");
        }
        return tree.get(slot);
    }
}
