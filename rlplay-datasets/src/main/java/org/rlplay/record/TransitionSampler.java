package org.rlplay.record;

import java.nio.file.Path;
import java.util.random.RandomGenerator;
import org.rlplay.env.space.Space;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.TransitionBatch;
import org.rlplay.fragment.Transitions;

/**
 * The transition view of a dataset for value-based offline learning: every real transition of
 * every fragment, loaded once into primitive arrays, sampled uniformly in batches.
 *
 * <h2>What a fragment contributes</h2>
 * Each env j of a fragment contributes the transitions {@code t -> t+1} for t in 0..T-1 (DESIGN.md
 * section 2):
 * <pre>
 *   s = obs[t, j]   a = act[t+1, j]   r = rew[t+1, j]
 *   s' = finalObs[t+1, j] if fin[t+1, j], else obs[t+1, j]
 *   done = fin[t+1, j] &amp;&amp; !trunc[t+1, j]     (terminated: no bootstrap)
 *   truncated = trunc[t+1, j]                 (cut by a time limit: bootstrap from s')
 * </pre>
 * Record T of a fragment is record 0 of the next fragment of the same stream, so the repeated lookahead
 * adds no duplicate. Sticky repeats, which no env step stands behind, are left out: transition t
 * of env j is kept iff {@code !fin[t+1, j]} or the fragment's episode list has an episode of env j
 * ending at record t+1. A truncated transition needs {@code final_observation}; a terminated one without it
 * gets a zero {@code s'} (masked by {@code done}). The storage and the extraction are the engine's
 * {@link Transitions}, shared with the replay buffers.
 *
 * <p>Transitions are stored in fragment order, then record-major (t, then j); index k of
 * {@link TransitionBatch#indices()} refers to that order. Loading reads the dataset with all its
 * checks. After loading the sampler is read-only: {@link #sample} may be called from several
 * threads, each with its own batch and generator.
 */
public final class TransitionSampler {
    private final Transitions store;
    private int size;

    private TransitionSampler(FragmentSpec spec, int capacity) {
        this.store = new Transitions(spec.observationSpace(), spec.actionSpace(), capacity);
    }

    /**
     * Loads every real transition of {@code dataset}.
     *
     * @throws DatasetException if a file is bad, the dataset holds more than {@code 2^31 - 1}
     *     transitions, or a truncated episode has no {@code final_observation} to bootstrap from
     */
    public static TransitionSampler load(Dataset dataset) {
        long transitions = dataset.transitions();
        if (transitions > Integer.MAX_VALUE) {
            throw new DatasetException(dataset.directories().get(0), transitions
                    + " transitions do not fit one sampler; open fewer partitions");
        }
        TransitionSampler sampler = new TransitionSampler(dataset.spec(), (int) transitions);
        try (FragmentWriter w = new FragmentWriter(dataset.spec())) {
            Fragment f = w.fragment();
            boolean[] real = new boolean[f.length() * f.numEnvs()];
            for (DatasetFile file : dataset.files()) {
                try (FragmentReader reader = FragmentReader.open(file.path())) {
                    for (int k = 0; k < reader.fragments(); k++) {
                        reader.read(k, w);
                        sampler.add(f, real, file.path());
                    }
                }
            }
        }
        return sampler;
    }

    /** Appends the real transitions of {@code f} (read from {@code file}), using {@code real} as scratch. */
    private void add(Fragment f, boolean[] real, Path file) {
        int n = f.numEnvs();
        Transitions.real(f, real);
        int bad = Transitions.unbootstrappable(f, real);
        if (bad >= 0) {
            throw new DatasetException(file, "env " + bad % n + " was truncated at record " + (bad / n + 1)
                    + " but the dataset keeps no final_observation to bootstrap from");
        }
        int count = 0;
        for (boolean r : real) {
            if (r) {
                count++;
            }
        }
        if (count > store.capacity() - size) {
            throw new DatasetException(file, "holds more real transitions than its footer's count "
                    + store.capacity());
        }
        size += store.put(f, real, size);
    }

    /** The number of transitions. */
    public int size() {
        return size;
    }

    public Space observationSpace() {
        return store.observationSpace();
    }

    public Space actionSpace() {
        return store.actionSpace();
    }

    /** A batch of {@code batchSize} rows shaped for this sampler, to reuse across {@link #sample} calls. */
    public TransitionBatch newBatch(int batchSize) {
        return store.newBatch(batchSize);
    }

    /**
     * Draws {@code batch.size()} transitions uniformly with replacement, with {@code rng}, into
     * {@code batch} (importance weights all 1). Allocates nothing.
     *
     * @throws IllegalStateException if the dataset has no transitions
     */
    public void sample(RandomGenerator rng, TransitionBatch batch) {
        if (size == 0) {
            throw new IllegalStateException("cannot sample from a dataset without transitions");
        }
        batch.drawUniform(rng, size);
        gather(batch);
    }

    /**
     * Copies the transitions {@code batch.indices()} into the batch's rows; lets a caller choose
     * them, e.g. to read the dataset in order.
     *
     * @throws IllegalArgumentException  if the batch was shaped for other spaces
     * @throws IndexOutOfBoundsException if an index is not in 0..size()-1
     */
    public void gather(TransitionBatch batch) {
        store.gather(batch, size);
    }
}
