package org.rlplay.algos.returns;

import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.Transitions;

/**
 * Which transitions {@code t -> t+1} of a fragment really happened in an env, as opposed to the
 * repeats of sticky mode (DESIGN.md section 2): once an env's episode ends inside a sticky fragment,
 * its later records repeat the reset observation with {@code fin} set and {@code rew = 0}, and no
 * env step stands behind them.
 *
 * <p>The flags alone cannot tell such a repeat from a real one-step episode that ended with reward
 * 0, so the rule reads the fragment's {@link Episodes}, which list exactly the real episode ends:
 * transition t of env j is real iff {@code !fin[t+1, j]} or an episode of env j ends at record t+1
 * (the rule of {@link Transitions#real}, which the replay buffers and the dataset sampler also use).
 * Outside sticky mode every transition is real. Stateless and thread-safe; writes only {@code out}.
 */
public final class RealTransitions {
    private RealTransitions() {
    }

    /**
     * Writes the (T, N) mask of real transitions of {@code f} into {@code out} (exactly T*N elements,
     * {@code out[t * N + j]} for the transition t -&gt; t+1 of env j) and returns it. Allocates nothing.
     */
    public static boolean[] of(Fragment f, boolean[] out) {
        return Transitions.real(f, out);
    }

    /**
     * As {@link #of(Fragment, boolean[])}, as loss weights: {@code out[t * N + j]} is 1 for a real
     * transition, 0 for a sticky repeat. Allocates nothing.
     */
    public static float[] weights(Fragment f, float[] out) {
        int n = f.numEnvs();
        int cells = f.length() * n;
        if (out == null || out.length != cells) {
            throw new IllegalArgumentException("out: expected T*N = " + cells + " elements, got "
                    + (out == null ? "null" : out.length));
        }
        boolean[] fin = f.fin();
        for (int i = 0; i < cells; i++) {
            out[i] = fin[i + n] ? 0f : 1f;
        }
        Episodes episodes = f.episodes();
        for (int e = 0; e < episodes.count(); e++) {
            int record = episodes.record(e);
            if (record >= 1) {
                out[(record - 1) * n + episodes.env(e)] = 1f;
            }
        }
        return out;
    }
}
