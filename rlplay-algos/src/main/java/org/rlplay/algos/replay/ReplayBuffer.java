package org.rlplay.algos.replay;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.random.RandomGenerator;
import org.rlplay.algos.returns.RealTransitions;
import org.rlplay.algos.state.Resumable;
import org.rlplay.env.space.Space;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.TransitionBatch;
import org.rlplay.fragment.Transitions;

/**
 * A uniform experience-replay buffer of fixed capacity for DQN-style learners: a ring of
 * transitions {@code (s, a, r, s', done, truncated)} in preallocated primitive arrays, filled from
 * whole {@link Fragment}s.
 *
 * <h2>What a fragment contributes</h2>
 * Each env j contributes the transitions {@code t -> t+1} for t in 0..T-1 (DESIGN.md section 2):
 * <pre>
 *   s = obs[t, j]   a = act[t+1, j]   r = rew[t+1, j]
 *   s' = finalObs[t+1, j] if fin[t+1, j], else obs[t+1, j]
 *   done = fin[t+1, j] &amp;&amp; !trunc[t+1, j]     (terminated: no bootstrap)
 *   truncated = trunc[t+1, j]                 (cut by a time limit: bootstrap from s')
 * </pre>
 * Record T of one fragment is record 0 of the next, so consecutive fragments of a stream add each
 * transition exactly once. Sticky repeats (no env step behind them, see {@link RealTransitions})
 * are skipped. A terminated transition's {@code s'} is stored as zeros when the fragment keeps no
 * {@code finalObs} (it is masked by {@code done}); a truncated one needs {@code finalObs}. The
 * storage and the extraction are the engine's {@link Transitions}, shared with the dataset sampler.
 *
 * <h2>Order</h2>
 * Transitions are added record-major (t, then j); the k-th transition ever added (from 0) lives in
 * slot {@code k % capacity}, overwriting the oldest once the buffer is full.
 *
 * <p>{@link Resumable}: a checkpoint saves the stored transitions and the count added, so a resumed
 * run samples from the same buffer.
 *
 * <p>Owned and used by one thread (the training loop); not thread-safe. {@link #add} and
 * {@link #sample} allocate nothing (except once, to grow a scratch mask to a larger fragment).
 */
public final class ReplayBuffer implements Resumable {
    private final Transitions store;
    private boolean[] real = new boolean[0];
    private long added;

    /**
     * @param observationSpace the envs' observation space
     * @param actionSpace      the envs' action space
     * @param capacity         the number of transitions kept, at least 1
     */
    public ReplayBuffer(Space observationSpace, Space actionSpace, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.store = new Transitions(observationSpace, actionSpace, capacity);
    }

    /** The maximum number of transitions kept. */
    public int capacity() {
        return store.capacity();
    }

    /** The number of transitions currently stored: {@code min(added(), capacity())}. */
    public int size() {
        return (int) Math.min(added, store.capacity());
    }

    /** The number of transitions added since construction, including overwritten ones. */
    public long added() {
        return added;
    }

    public Space observationSpace() {
        return store.observationSpace();
    }

    public Space actionSpace() {
        return store.actionSpace();
    }

    /**
     * Stores the real transitions of {@code f} (see the class comment) and returns how many.
     *
     * @throws IllegalArgumentException if the fragment's spaces do not match this buffer's, or an
     *     episode was truncated and the fragment keeps no {@code finalObs} (nothing is stored then)
     */
    public int add(Fragment f) {
        if (!store.fits(f.spec())) {
            throw new IllegalArgumentException("fragment: spaces " + f.spec().observationSpace() + " -> "
                    + f.spec().actionSpace() + " do not match the buffer's " + store.observationSpace() + " -> "
                    + store.actionSpace());
        }
        int n = f.numEnvs();
        int cells = f.length() * n;
        if (real.length != cells) {
            real = new boolean[cells];
        }
        RealTransitions.of(f, real);
        int bad = Transitions.unbootstrappable(f, real);
        if (bad >= 0) {
            throw new IllegalArgumentException("fragment: env " + bad % n + " was truncated at record " + (bad / n + 1)
                    + " but the fragment keeps no finalObs to bootstrap from (enable keepFinalObs)");
        }
        int count = store.put(f, real, added);
        added += count;
        return count;
    }

    /** A batch of {@code batchSize} rows shaped for this buffer, to reuse across {@link #sample} calls. */
    public TransitionBatch newBatch(int batchSize) {
        return store.newBatch(batchSize);
    }

    /**
     * Draws {@code batch.size()} slots uniformly with replacement from the stored transitions, with
     * {@code rng}, and copies them into {@code batch} (importance weights all 1).
     *
     * @throws IllegalStateException if the buffer is empty
     */
    public void sample(RandomGenerator rng, TransitionBatch batch) {
        int size = size();
        if (size == 0) {
            throw new IllegalStateException("cannot sample from an empty replay buffer");
        }
        batch.drawUniform(rng, size);
        gather(batch);
    }

    /**
     * Copies the transitions in the slots {@code batch.indices()} into the batch's rows (the
     * weights are left as they are). Lets a caller choose slots itself, e.g. to read the buffer in
     * order.
     *
     * @throws IllegalArgumentException  if the batch was shaped for other spaces
     * @throws IndexOutOfBoundsException if a slot is not in 0..size()-1
     */
    public void gather(TransitionBatch batch) {
        store.gather(batch, size());
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        out.writeLong(added);
        store.saveState(out, size());
    }

    @Override
    public void restoreState(DataInput in) throws IOException {
        long saved = in.readLong();
        int stored;
        try {
            stored = store.loadState(in);
        } catch (IllegalArgumentException e) {
            throw new IOException("replay buffer: " + e.getMessage(), e);
        }
        if (saved < 0 || stored != (int) Math.min(saved, store.capacity())) {
            throw new IOException("replay buffer: " + stored + " stored transitions do not match " + saved + " added");
        }
        added = saved;
    }
}
