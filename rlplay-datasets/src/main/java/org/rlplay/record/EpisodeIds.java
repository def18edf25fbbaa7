package org.rlplay.record;

import java.util.HashMap;
import java.util.Map;
import org.rlplay.fragment.Fragment;

/**
 * Assigns the {@code episode_id} of every row as fragments of one recording run stream by: ids
 * are {@code run * 2^40 + k}, k counting the episodes this run has started, in the order the
 * recorder meets them, so ids are unique across the runs of a dataset. An episode starts at a
 * row whose record follows an episode end ({@code fin}) of a real step; the rows of a stopped env
 * in sticky mode ({@code padding}) already carry the id of the episode that follows them. Used by
 * the recorder's writer thread.
 */
final class EpisodeIds {
    /** Episodes one run can number. */
    static final long PER_RUN = 1L << 40;

    private final long base;
    private final Map<Integer, long[]> current = new HashMap<>();
    private long next;

    EpisodeIds(int run) {
        this.base = run * PER_RUN;
    }

    /**
     * Fills {@code ids} (env-major rows of {@code f}) and advances the run's state.
     *
     * @param padding the {@code padding} flag of each row (sticky repeats)
     */
    void assign(Fragment f, boolean[] padding, long[] ids) {
        int length = f.length();
        for (int j = 0; j < f.numEnvs(); j++) {
            int env = f.envOffset() + j;
            long[] state = current.get(env);
            boolean startNew = state == null || state[1] != 0;
            if (state == null) {
                state = new long[2];
                current.put(env, state);
            }
            for (int t = 0; t < length; t++) {
                int r = j * length + t;
                if (t > 0 && f.fin(t, j) && !padding[r - 1]) {
                    startNew = true;
                }
                if (startNew) {
                    if (next >= PER_RUN) {
                        throw new IllegalStateException("a run numbers at most 2^40 episodes");
                    }
                    state[0] = base + next++;
                    startNew = false;
                }
                ids[r] = state[0];
            }
            state[1] = f.fin(length, j) && !padding[j * length + length - 1] ? 1 : 0;
        }
    }
}
