package org.rlplay.record;

import java.nio.file.Path;
import java.util.random.RandomGenerator;
import org.rlplay.env.space.Space;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;

/**
 * The transition view of a dataset for value-based offline learning: every real transition of
 * every chunk, loaded once into primitive arrays, sampled uniformly in batches.
 *
 * <h2>What a chunk contributes</h2>
 * Each env j of a chunk contributes the transitions {@code t -> t+1} for t in 0..T-1 (DESIGN.md
 * section 2):
 * <pre>
 *   s = obs[t, j]   a = act[t+1, j]   r = rew[t+1, j]
 *   s' = final_obs[t+1, j] if fin[t+1, j], else obs[t+1, j]
 *   done = fin[t+1, j] &amp;&amp; !trunc[t+1, j]     (terminated: no bootstrap)
 *   truncated = trunc[t+1, j]                 (cut by a time limit: bootstrap from s')
 * </pre>
 * Record T of a chunk is record 0 of the next chunk of the same stream, so the repeated lookahead
 * adds no duplicate. Sticky repeats, which no env step stands behind, are left out: transition t
 * of env j is kept iff {@code !fin[t+1, j]} or the chunk's episode list has an episode of env j
 * ending at record t+1. A truncated transition needs {@code final_obs}; a terminated one without it
 * gets a zero {@code s'} (masked by {@code done}).
 *
 * <p>Transitions are stored in chunk order, then record-major (t, then j); index k of
 * {@link TransitionBatch#indices()} refers to that order. Loading reads the dataset with all its
 * checks. After loading the sampler is read-only: {@link #sample} may be called from several
 * threads, each with its own batch and generator.
 */
public final class TransitionSampler {
    private final Space observationSpace;
    private final Space actionSpace;
    private final int obsSize;
    private final int actSize;
    private final boolean discrete;
    private int size;
    private final float[] obs;
    private final float[] nextObs;
    private final int[] actInts;
    private final float[] actFloats;
    private final float[] rew;
    private final boolean[] done;
    private final boolean[] truncated;

    private TransitionSampler(FragmentSpec spec, int capacity) {
        this.observationSpace = spec.observationSpace();
        this.actionSpace = spec.actionSpace();
        this.obsSize = observationSpace.size();
        this.actSize = actionSpace.size();
        this.discrete = actionSpace.isDiscrete();
        this.obs = new float[Math.multiplyExact(capacity, obsSize)];
        this.nextObs = new float[Math.multiplyExact(capacity, obsSize)];
        this.actInts = discrete ? new int[Math.multiplyExact(capacity, actSize)] : null;
        this.actFloats = discrete ? null : new float[Math.multiplyExact(capacity, actSize)];
        this.rew = new float[capacity];
        this.done = new boolean[capacity];
        this.truncated = new boolean[capacity];
    }

    /**
     * Loads every real transition of {@code dataset}.
     *
     * @throws DatasetException if a chunk is bad, the dataset holds more than {@code 2^31 - 1}
     *     transitions, or a truncated episode has no {@code final_obs} to bootstrap from
     */
    public static TransitionSampler load(Dataset dataset) {
        long transitions = dataset.manifest().transitions();
        if (transitions > Integer.MAX_VALUE) {
            throw new DatasetException(dataset.directory(), transitions + " transitions do not fit one sampler");
        }
        TransitionSampler sampler = new TransitionSampler(dataset.spec(), (int) transitions);
        ChunkReader reader = new ChunkReader(dataset.directory(), dataset.manifest());
        try (Fragment f = new Fragment(dataset.spec())) {
            boolean[] real = new boolean[f.length() * f.numEnvs()];
            for (ChunkInfo chunk : dataset.manifest().chunks()) {
                reader.read(chunk, f);
                sampler.add(f, real, dataset.directory().resolve(chunk.file()));
            }
        }
        return sampler;
    }

    /** Appends the real transitions of {@code f} (read from {@code file}), using {@code real} as scratch. */
    private void add(Fragment f, boolean[] real, Path file) {
        int n = f.numEnvs();
        boolean[] fin = f.fin();
        boolean[] trunc = f.trunc();
        float[] fObs = f.obs();
        float[] fFinal = f.finalObs();
        for (int i = 0; i < real.length; i++) {
            real[i] = !fin[i + n];
        }
        Episodes episodes = f.episodes();
        for (int e = 0; e < episodes.count(); e++) {
            real[(episodes.record(e) - 1) * n + episodes.env(e)] = true;
        }
        for (int i = 0; i < real.length; i++) {
            if (!real[i]) {
                continue;
            }
            int next = i + n;
            if (fin[next] && trunc[next] && fFinal == null) {
                throw new DatasetException(file, "env " + i % n + " was truncated at record " + next / n
                        + " but the dataset keeps no final_obs to bootstrap from");
            }
            int k = size++;
            System.arraycopy(fObs, i * obsSize, obs, k * obsSize, obsSize);
            if (!fin[next]) {
                System.arraycopy(fObs, next * obsSize, nextObs, k * obsSize, obsSize);
            } else if (fFinal != null) {
                System.arraycopy(fFinal, next * obsSize, nextObs, k * obsSize, obsSize);
            }
            if (discrete) {
                System.arraycopy(f.actInts(), next * actSize, actInts, k * actSize, actSize);
            } else {
                System.arraycopy(f.actFloats(), next * actSize, actFloats, k * actSize, actSize);
            }
            rew[k] = f.rew()[next];
            done[k] = fin[next] && !trunc[next];
            truncated[k] = trunc[next];
        }
    }

    /** The number of transitions. */
    public int size() {
        return size;
    }

    public Space observationSpace() {
        return observationSpace;
    }

    public Space actionSpace() {
        return actionSpace;
    }

    /** A batch of {@code batchSize} rows shaped for this sampler, to reuse across {@link #sample} calls. */
    public TransitionBatch newBatch(int batchSize) {
        return new TransitionBatch(batchSize, observationSpace, actionSpace);
    }

    /**
     * Draws {@code batch.size()} transitions uniformly with replacement, with {@code rng}, into
     * {@code batch}. Allocates nothing.
     *
     * @throws IllegalStateException if the dataset has no transitions
     */
    public void sample(RandomGenerator rng, TransitionBatch batch) {
        if (size == 0) {
            throw new IllegalStateException("cannot sample from a dataset without transitions");
        }
        int[] indices = batch.indices();
        for (int b = 0; b < indices.length; b++) {
            indices[b] = rng.nextInt(size);
        }
        gather(batch);
    }

    /**
     * Copies the transitions {@code batch.indices()} into the batch's rows; lets a caller choose
     * them, e.g. to read the dataset in order.
     *
     * @throws IndexOutOfBoundsException if an index is not in 0..size()-1
     */
    public void gather(TransitionBatch batch) {
        if (!batch.fits(obsSize, actSize, discrete)) {
            throw new IllegalArgumentException("batch: shaped for other spaces; make it with newBatch");
        }
        int[] indices = batch.indices();
        for (int b = 0; b < indices.length; b++) {
            int k = indices[b];
            if (k < 0 || k >= size) {
                throw new IndexOutOfBoundsException("batch row " + b + ": transition " + k + " of " + size);
            }
            System.arraycopy(obs, k * obsSize, batch.obs(), b * obsSize, obsSize);
            System.arraycopy(nextObs, k * obsSize, batch.nextObs(), b * obsSize, obsSize);
            if (discrete) {
                System.arraycopy(actInts, k * actSize, batch.actInts(), b * actSize, actSize);
            } else {
                System.arraycopy(actFloats, k * actSize, batch.actFloats(), b * actSize, actSize);
            }
            batch.rew()[b] = rew[k];
            batch.done()[b] = done[k];
            batch.truncated()[b] = truncated[k];
        }
    }
}
