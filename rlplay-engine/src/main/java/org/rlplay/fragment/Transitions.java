package org.rlplay.fragment;

import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;

/**
 * Fixed-capacity primitive storage of transitions {@code (s, a, r, s', done, truncated)} taken
 * from {@link Fragment}s: the shared core of the replay buffers and the dataset's transition
 * sampler.
 *
 * <h2>What a fragment contributes</h2>
 * Each env j contributes the transitions {@code t -> t+1} for t in 0..T-1 (DESIGN.md section 2):
 * <pre>
 *   s = obs[t, j]   a = act[t+1, j]   r = rew[t+1, j]
 *   s' = finalObs[t+1, j] if fin[t+1, j], else obs[t+1, j]
 *   done = fin[t+1, j] &amp;&amp; !trunc[t+1, j]     (terminated: no bootstrap)
 *   truncated = trunc[t+1, j]                 (cut by a time limit: bootstrap from s')
 * </pre>
 * Only the real ones are stored (see {@link #real}); sticky repeats, which no env step stands
 * behind, are skipped. A terminated transition's {@code s'} is stored as zeros when the fragment
 * keeps no {@code finalObs} (it is masked by {@code done}); a truncated one needs {@code finalObs},
 * which the caller checks first with {@link #unbootstrappable}.
 *
 * <p>Owned by one object (a buffer or a sampler) that decides the slots; {@link #put} is for one
 * thread, {@link #gather} only reads the storage and may run on several threads once writing has
 * stopped. Neither allocates.
 */
public final class Transitions {
    private final int capacity;
    private final Space observationSpace;
    private final Space actionSpace;
    private final int obsSize;
    private final int actSize;
    private final boolean discrete;
    private final ElementType obsType;
    private final Object obs;
    private final Object nextObs;
    private final int[] actInts;
    private final float[] actFloats;
    private final float[] rew;
    private final boolean[] done;
    private final boolean[] truncated;

    /**
     * @param observationSpace the observation space (states are kept in its storage type)
     * @param actionSpace      the action space
     * @param capacity         the number of slots, at least 0
     */
    public Transitions(Space observationSpace, Space actionSpace, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        this.capacity = capacity;
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
        this.obsSize = observationSpace.size();
        this.actSize = actionSpace.size();
        this.discrete = actionSpace.isDiscrete();
        this.obsType = observationSpace.storageType();
        this.obs = obsType.allocate(Math.multiplyExact(capacity, obsSize));
        this.nextObs = obsType.allocate(Math.multiplyExact(capacity, obsSize));
        this.actInts = discrete ? new int[Math.multiplyExact(capacity, actSize)] : null;
        this.actFloats = discrete ? null : new float[Math.multiplyExact(capacity, actSize)];
        this.rew = new float[capacity];
        this.done = new boolean[capacity];
        this.truncated = new boolean[capacity];
    }

    /** The number of slots. */
    public int capacity() {
        return capacity;
    }

    public Space observationSpace() {
        return observationSpace;
    }

    public Space actionSpace() {
        return actionSpace;
    }

    /** Whether fragments of layout {@code spec} have this storage's observation and action sizes. */
    public boolean fits(FragmentSpec spec) {
        return spec.observationSpace().storageType() == obsType && spec.observationSpace().size() == obsSize
                && spec.actionSpace().size() == actSize && spec.actionSpace().isDiscrete() == discrete;
    }

    /** A batch of {@code batchSize} rows shaped for this storage, to reuse across {@link #gather} calls. */
    public TransitionBatch newBatch(int batchSize) {
        return new TransitionBatch(batchSize, observationSpace, actionSpace);
    }

    /**
     * Writes the (T, N) mask of the real transitions of {@code f} into {@code out} (exactly T*N
     * elements, {@code out[t * N + j]} for the transition t -&gt; t+1 of env j) and returns it.
     *
     * <p>In sticky mode an env whose episode ended repeats the reset observation with {@code fin}
     * set and {@code rew = 0}; the flags alone cannot tell such a repeat from a real one-step
     * episode, so the rule reads the fragment's {@link Episodes}, which list exactly the real
     * episode ends: transition t of env j is real iff {@code !fin[t+1, j]} or an episode of env j
     * ends at record t+1. Outside sticky mode every transition is real. Allocates nothing.
     */
    public static boolean[] real(Fragment f, boolean[] out) {
        int n = f.numEnvs();
        int cells = f.length() * n;
        if (out == null || out.length != cells) {
            throw new IllegalArgumentException("out: expected T*N = " + cells + " elements, got "
                    + (out == null ? "null" : out.length));
        }
        boolean[] fin = f.fin();
        for (int i = 0; i < cells; i++) {
            out[i] = !fin[i + n];
        }
        Episodes episodes = f.episodes();
        for (int e = 0; e < episodes.count(); e++) {
            int record = episodes.record(e);
            if (record >= 1) {
                out[(record - 1) * n + episodes.env(e)] = true;
            }
        }
        return out;
    }

    /**
     * The first real transition of {@code f} (its cell {@code t * N + j}, with {@code real} from
     * {@link #real}) that was truncated although the fragment keeps no {@code finalObs} to
     * bootstrap from, or -1 if there is none.
     */
    public static int unbootstrappable(Fragment f, boolean[] real) {
        if (f.spec().keepFinalObs()) {
            return -1;
        }
        int n = f.numEnvs();
        boolean[] fin = f.fin();
        boolean[] trunc = f.trunc();
        for (int i = 0; i < real.length; i++) {
            if (real[i] && fin[i + n] && trunc[i + n]) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Stores the real transitions of {@code f} ({@code real} from {@link #real}) in record-major
     * order (t, then j): the k-th of them (from 0) goes to slot {@code (first + k) % capacity()},
     * overwriting what was there. Returns how many were stored.
     *
     * @throws IllegalArgumentException if the fragment's spaces do not fit this storage
     * @throws IllegalStateException    if there is a transition to store and the capacity is 0
     */
    public int put(Fragment f, boolean[] real, long first) {
        if (!fits(f.spec())) {
            throw new IllegalArgumentException("fragment: spaces " + f.spec().observationSpace() + " -> "
                    + f.spec().actionSpace() + " do not match " + observationSpace + " -> " + actionSpace);
        }
        int n = f.numEnvs();
        Object fObs = f.column(ColumnSpec.OBS).array();
        Object fFinal = f.spec().keepFinalObs() ? f.column(ColumnSpec.FINAL_OBS).array() : null;
        boolean[] fin = f.fin();
        boolean[] trunc = f.trunc();
        int count = 0;
        for (int i = 0; i < real.length; i++) {
            if (!real[i]) {
                continue;
            }
            if (capacity == 0) {
                throw new IllegalStateException("no slot for a transition: capacity is 0");
            }
            int next = i + n;
            int slot = (int) ((first + count) % capacity);
            System.arraycopy(fObs, i * obsSize, obs, slot * obsSize, obsSize);
            if (!fin[next]) {
                System.arraycopy(fObs, next * obsSize, nextObs, slot * obsSize, obsSize);
            } else if (fFinal != null) {
                System.arraycopy(fFinal, next * obsSize, nextObs, slot * obsSize, obsSize);
            } else {
                obsType.clear(nextObs, slot * obsSize, (slot + 1) * obsSize);
            }
            if (discrete) {
                System.arraycopy(f.actInts(), next * actSize, actInts, slot * actSize, actSize);
            } else {
                System.arraycopy(f.actFloats(), next * actSize, actFloats, slot * actSize, actSize);
            }
            rew[slot] = f.rew()[next];
            done[slot] = fin[next] && !trunc[next];
            truncated[slot] = trunc[next];
            count++;
        }
        return count;
    }

    /**
     * Copies the transitions in the slots {@code batch.indices()} into the batch's rows (indices
     * and weights are left as they are).
     *
     * @param stored the number of filled slots: each index must be in 0..stored-1
     * @throws IllegalArgumentException  if the batch was shaped for other spaces
     * @throws IndexOutOfBoundsException if an index is not in 0..stored-1
     */
    public void gather(TransitionBatch batch, int stored) {
        if (!batch.fits(obsType, obsSize, actSize, discrete)) {
            throw new IllegalArgumentException("batch: shaped for other spaces; make it with newBatch");
        }
        int[] indices = batch.indices();
        for (int b = 0; b < indices.length; b++) {
            int slot = indices[b];
            if (slot < 0 || slot >= stored) {
                throw new IndexOutOfBoundsException("batch row " + b + ": index " + slot + " of " + stored + " stored");
            }
            System.arraycopy(obs, slot * obsSize, batch.obsArray(), b * obsSize, obsSize);
            System.arraycopy(nextObs, slot * obsSize, batch.nextObsArray(), b * obsSize, obsSize);
            if (discrete) {
                System.arraycopy(actInts, slot * actSize, batch.actInts(), b * actSize, actSize);
            } else {
                System.arraycopy(actFloats, slot * actSize, batch.actFloats(), b * actSize, actSize);
            }
            batch.rew()[b] = rew[slot];
            batch.done()[b] = done[slot];
            batch.truncated()[b] = truncated[slot];
        }
    }

    /**
     * Writes slots {@code [0, stored)} (for an exact resume of a replay buffer): every field, exactly.
     *
     * @throws IllegalArgumentException if {@code stored} is not in 0..capacity
     */
    public void saveState(java.io.DataOutput out, int stored) throws java.io.IOException {
        if (stored < 0 || stored > capacity) {
            throw new IllegalArgumentException("stored must be in 0.." + capacity + ", got " + stored);
        }
        out.writeInt(capacity);
        out.writeInt(obsSize);
        out.writeInt(actSize);
        out.writeInt(stored);
        obsType.write(out, obs, 0, stored * obsSize);
        obsType.write(out, nextObs, 0, stored * obsSize);
        ElementType act = discrete ? ElementType.INT32 : ElementType.FLOAT32;
        act.write(out, discrete ? actInts : actFloats, 0, stored * actSize);
        ElementType.FLOAT32.write(out, rew, 0, stored);
        ElementType.BOOL.write(out, done, 0, stored);
        ElementType.BOOL.write(out, truncated, 0, stored);
    }

    /**
     * Restores slots written by {@link #saveState} and returns how many there are.
     *
     * @throws IllegalArgumentException if they were written by a store of another capacity or layout
     */
    public int loadState(java.io.DataInput in) throws java.io.IOException {
        int savedCapacity = in.readInt();
        int savedObs = in.readInt();
        int savedAct = in.readInt();
        if (savedCapacity != capacity || savedObs != obsSize || savedAct != actSize) {
            throw new IllegalArgumentException("the saved transitions are of a store of capacity " + savedCapacity
                    + " with " + savedObs + "/" + savedAct + " observation/action elements; this one has " + capacity
                    + " with " + obsSize + "/" + actSize);
        }
        int stored = in.readInt();
        obsType.read(in, obs, 0, stored * obsSize);
        obsType.read(in, nextObs, 0, stored * obsSize);
        ElementType act = discrete ? ElementType.INT32 : ElementType.FLOAT32;
        act.read(in, discrete ? actInts : actFloats, 0, stored * actSize);
        ElementType.FLOAT32.read(in, rew, 0, stored);
        ElementType.BOOL.read(in, done, 0, stored);
        ElementType.BOOL.read(in, truncated, 0, stored);
        return stored;
    }
}
