package org.rlplay.algos.returns;

import org.rlplay.fragment.Fragment;

/**
 * The reward and episode-end columns of T+1 records of N envs: the part of a {@link Fragment} that
 * returns and advantages read. Arrays are (T+1, N), row-major: env j at record t is index
 * {@code t * N + j}, exactly as in {@link Fragment}.
 *
 * <p>The transition {@code t -> t+1} (for t in 0..T-1) owns the reward {@code rew[t+1]} and ends the
 * episode when {@code fin[t+1]}; of those ends, {@code trunc[t+1]} marks the ones cut by a time limit
 * rather than reached at a terminal state. Record 0's {@code rew}, {@code fin} and {@code trunc}
 * belong to the transition before this fragment and are never read.
 *
 * <p>A view, not a copy: the arrays are used as given (for {@link #of(Fragment)}, the fragment's
 * own storage, valid while the fragment is). Immutable reference holder, thread-confined data.
 *
 * @param length  T, the number of transitions per env, at least 1
 * @param numEnvs N, at least 1
 * @param rew     (T+1, N) rewards; {@code rew[t+1]} is the reward of transition t -&gt; t+1
 * @param fin     (T+1, N) episode ends (terminated or truncated)
 * @param trunc   (T+1, N) truncations, a subset of {@code fin}; {@code null} means no truncation
 *                information: every end is treated as a termination (bootstraps from zero)
 */
public record Trajectory(int length, int numEnvs, float[] rew, boolean[] fin, boolean[] trunc) {

    public Trajectory {
        if (length < 1) {
            throw new IllegalArgumentException("length T must be >= 1, got " + length);
        }
        if (numEnvs < 1) {
            throw new IllegalArgumentException("numEnvs N must be >= 1, got " + numEnvs);
        }
        int cells = Math.multiplyExact(length + 1, numEnvs);
        checkLength("rew", rew == null ? -1 : rew.length, cells, length, numEnvs);
        checkLength("fin", fin == null ? -1 : fin.length, cells, length, numEnvs);
        if (trunc != null) {
            checkLength("trunc", trunc.length, cells, length, numEnvs);
        }
    }

    /** The rewards and end flags of {@code f}, without copying. */
    public static Trajectory of(Fragment f) {
        return new Trajectory(f.length(), f.numEnvs(), f.rew(), f.fin(), f.trunc());
    }

    /** Number of (T+1, N) cells. */
    public int records() {
        return (length + 1) * numEnvs;
    }

    /** Number of (T, N) cells: one per transition. */
    public int transitions() {
        return length * numEnvs;
    }

    private static void checkLength(String field, int actual, int expected, int length, int numEnvs) {
        if (actual != expected) {
            throw new IllegalArgumentException(field + ": expected (T+1)*N = " + (length + 1) + "*" + numEnvs
                    + " = " + expected + " elements, got " + (actual < 0 ? "null" : actual));
        }
    }
}
