package org.rlplay.fragment;

/**
 * The episodes that ended inside one fragment: env index, the record where the end shows
 * ({@code fin[t]} set), undiscounted return, length in steps, and whether the end was a truncation.
 * Preallocated for the most episodes a fragment can hold (T*N); reading allocates nothing.
 *
 * <p>Owned by its {@link Fragment}; written by the fragment's producer through its
 * {@link FragmentWriter}, read by the learner.
 */
public final class Episodes {
    private final int[] env;
    private final int[] record;
    private final double[] ret;
    private final int[] length;
    private final boolean[] truncated;
    private int count;

    Episodes(int capacity) {
        env = new int[capacity];
        record = new int[capacity];
        ret = new double[capacity];
        length = new int[capacity];
        truncated = new boolean[capacity];
    }

    /** Number of episodes that ended in this fragment. */
    public int count() {
        return count;
    }

    /** Env index (within the fragment) of episode {@code i}. */
    public int env(int i) {
        return env[check(i)];
    }

    /** Record index t at which episode {@code i}'s end is recorded ({@code fin[t, env]} is set). */
    public int record(int i) {
        return record[check(i)];
    }

    /** Undiscounted return of episode {@code i}. */
    public double episodeReturn(int i) {
        return ret[check(i)];
    }

    /** Number of steps in episode {@code i}. */
    public int length(int i) {
        return length[check(i)];
    }

    /** True when episode {@code i} ended by truncation (time limit) rather than a terminal state. */
    public boolean truncated(int i) {
        return truncated[check(i)];
    }

    void add(int envIndex, int recordIndex, double episodeReturn, int steps, boolean trunc) {
        if (count == env.length) {
            throw new IllegalStateException("a fragment holds at most T*N = " + env.length + " episode ends");
        }
        int i = count++;
        env[i] = envIndex;
        record[i] = recordIndex;
        ret[i] = episodeReturn;
        length[i] = steps;
        truncated[i] = trunc;
    }

    void clear() {
        count = 0;
    }

    void copyFrom(Episodes src, int envOffset) {
        for (int i = 0; i < src.count; i++) {
            add(src.env[i] + envOffset, src.record[i], src.ret[i], src.length[i], src.truncated[i]);
        }
    }

    private int check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("episode " + i + " of " + count);
        }
        return i;
    }
}
