package org.rlplay.algos.returns;

/**
 * Returns and advantages over the transitions of a {@link Trajectory}, on primitive arrays, with the
 * episode-end semantics of DESIGN.md section 2.
 *
 * <h2>Index conventions</h2>
 * Inputs are (T+1, N) row-major arrays (env j at record t is {@code t * N + j}); outputs are (T, N)
 * arrays where {@code out[t * N + j]} belongs to the transition {@code t -> t+1} of env j, which
 * starts in the state of record t and owns {@code rew[t+1]}, {@code fin[t+1]}, {@code trunc[t+1]}.
 * <ul>
 * <li>{@code values[t * N + j] = v(obs[t, j])} for t in 0..T; row T is the bootstrap value of the
 *     virtual step.</li>
 * <li>{@code finalValues[t * N + j] = v(finalObs[t, j])}, read only where {@code trunc[t, j]}: a
 *     truncated episode bootstraps from the value of its true last observation, a terminated one
 *     from zero. May be {@code null} when the trajectory has no truncation inside (or
 *     {@code trunc == null}); it is an error to need it and not have it.</li>
 * </ul>
 * With {@code r = rew[t+1]}, the value after the transition is
 * <pre>
 *   next(t) = values[t+1]        if !fin[t+1]          (the episode goes on)
 *           = finalValues[t+1]   if fin[t+1] &amp;&amp; trunc[t+1]  (cut by a time limit)
 *           = 0                  if fin[t+1] &amp;&amp; !trunc[t+1] (terminal state)
 * </pre>
 * and recursions never cross an end: where {@code fin[t+1]} the tail beyond t+1 is dropped.
 *
 * <p>Sticky records (see {@link RealTransitions}) need no special case: a no-op transition has
 * {@code rew = 0} and {@code fin} set, so it neither adds reward nor carries a tail; its own output
 * is meaningless and should be masked out of losses.
 *
 * <p>Every method writes the caller's preallocated {@code out} array (exactly T*N elements), returns
 * it and allocates nothing. Arithmetic runs in {@code double}. Stateless and thread-safe.
 */
public final class Returns {
    private Returns() {
    }

    /**
     * Discounted returns bootstrapped from the virtual step:
     * <pre>
     *   G[t] = r[t+1] + gamma * G[t+1]        if !fin[t+1]
     *   G[t] = r[t+1] + gamma * next(t)       if fin[t+1]
     *   G[T] = values[T]
     * </pre>
     * Only row T of {@code values} is read.
     */
    public static float[] discounted(Trajectory tr, float[] values, float[] finalValues, float gamma, float[] out) {
        check(tr, values, finalValues, out);
        checkUnit("gamma", gamma);
        int n = tr.numEnvs();
        int len = tr.length();
        float[] rew = tr.rew();
        boolean[] fin = tr.fin();
        for (int j = 0; j < n; j++) {
            double g = values[len * n + j];
            for (int t = len - 1; t >= 0; t--) {
                int k = (t + 1) * n + j;
                g = rew[k] + gamma * (fin[k] ? endValue(tr, finalValues, k) : g);
                out[t * n + j] = (float) g;
            }
        }
        return out;
    }

    /**
     * n-step returns, cut at episode ends and at the end of the trajectory:
     * <pre>
     *   G[t] = sum_{i=1..m} gamma^(i-1) r[t+i] + gamma^m * B
     * </pre>
     * where {@code m = min(steps, T - t, e - t)} with e the first record after t with {@code fin[e]},
     * and {@code B = next(t+m-1)}: the end value if the episode ended at t+m, else
     * {@code values[t+m]}. {@code steps = 1} gives the one-step TD targets; {@code steps >= T} gives
     * {@link #discounted}.
     */
    public static float[] nStep(Trajectory tr, float[] values, float[] finalValues, float gamma, int steps,
                                float[] out) {
        check(tr, values, finalValues, out);
        checkUnit("gamma", gamma);
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        int n = tr.numEnvs();
        int len = tr.length();
        float[] rew = tr.rew();
        boolean[] fin = tr.fin();
        for (int t = 0; t < len; t++) {
            int horizon = Math.min(len, t + steps);
            for (int j = 0; j < n; j++) {
                double g = 0;
                double discount = 1;
                for (int s = t + 1; ; s++) {
                    int k = s * n + j;
                    g += discount * rew[k];
                    discount *= gamma;
                    if (fin[k]) {
                        g += discount * endValue(tr, finalValues, k);
                        break;
                    }
                    if (s == horizon) {
                        g += discount * values[k];
                        break;
                    }
                }
                out[t * n + j] = (float) g;
            }
        }
        return out;
    }

    /**
     * One-step temporal-difference errors:
     * <pre>
     *   delta[t] = r[t+1] + gamma * next(t) - values[t]
     * </pre>
     */
    public static float[] tdErrors(Trajectory tr, float[] values, float[] finalValues, float gamma, float[] out) {
        check(tr, values, finalValues, out);
        checkUnit("gamma", gamma);
        int n = tr.numEnvs();
        int len = tr.length();
        for (int t = 0; t < len; t++) {
            for (int j = 0; j < n; j++) {
                out[t * n + j] = (float) delta(tr, values, finalValues, gamma, t, j);
            }
        }
        return out;
    }

    /**
     * Generalised advantage estimates GAE(gamma, lambda):
     * <pre>
     *   A[t] = delta[t] + gamma * lambda * A[t+1]   if !fin[t+1]
     *   A[t] = delta[t]                             if fin[t+1]
     *   A[T] = 0
     * </pre>
     * with {@code delta} as in {@link #tdErrors}. The matching value targets (lambda-returns) are
     * {@code A[t] + values[t]}. {@code lambda = 1} gives {@code discounted - values}, {@code lambda = 0}
     * gives {@code tdErrors}.
     */
    public static float[] gae(Trajectory tr, float[] values, float[] finalValues, float gamma, float lambda,
                              float[] out) {
        check(tr, values, finalValues, out);
        checkUnit("gamma", gamma);
        checkUnit("lambda", lambda);
        int n = tr.numEnvs();
        int len = tr.length();
        boolean[] fin = tr.fin();
        double decay = (double) gamma * lambda;
        for (int j = 0; j < n; j++) {
            double a = 0;
            for (int t = len - 1; t >= 0; t--) {
                double d = delta(tr, values, finalValues, gamma, t, j);
                a = fin[(t + 1) * n + j] ? d : d + decay * a;
                out[t * n + j] = (float) a;
            }
        }
        return out;
    }

    /**
     * V-trace targets and policy-gradient advantages (Espeholt et al. 2018, IMPALA) for data collected
     * by a behaviour policy mu that lags the learner's policy pi.
     *
     * <p>{@code logRhos} is (T, N): {@code logRhos[t * N + j] = log pi(a|x) - log mu(a|x)} for the
     * action {@code a = act[t+1, j]} taken in state {@code x = obs[t, j]}. With
     * {@code rho[t] = min(rhoBar, exp(logRhos[t]))}, {@code c[t] = min(cBar, exp(logRhos[t]))}:
     * <pre>
     *   dV[t]  = rho[t] * (r[t+1] + gamma * next(t) - values[t])
     *   vs[t]  = values[t] + dV[t] + gamma * c[t] * (vs[t+1] - values[t+1])   if !fin[t+1]
     *   vs[t]  = values[t] + dV[t]                                            if fin[t+1]
     *   vs[T]  = values[T]
     *   pg[t]  = rho[t] * (r[t+1] + gamma * nextVs(t) - values[t])
     * </pre>
     * where {@code nextVs(t) = vs[t+1]} if the episode goes on, else the end value {@code next(t)}.
     * The policy-gradient advantages clip the ratio with {@code rhoBar}, as the paper's pg term does.
     * On-policy ({@code logRhos = 0}) with {@code rhoBar, cBar >= 1}, {@code vs} equals
     * {@link #discounted} and {@code pg} equals {@link #gae} with lambda 1.
     *
     * @param rhoBar clip of the importance weight in the TD terms and the pg advantages, &gt; 0
     *               ({@code Float.POSITIVE_INFINITY} for no clipping)
     * @param cBar   clip of the trace-cutting coefficients, &gt; 0
     * @param vs     (T, N) output: the value targets
     * @param pg     (T, N) output: the policy-gradient advantages
     */
    public static void vtrace(Trajectory tr, float[] values, float[] finalValues, float[] logRhos, float gamma,
                              float rhoBar, float cBar, float[] vs, float[] pg) {
        check(tr, values, finalValues, vs);
        checkOut("pg", pg, tr);
        checkOut("logRhos", logRhos, tr);
        checkUnit("gamma", gamma);
        if (!(rhoBar > 0)) {
            throw new IllegalArgumentException("rhoBar must be > 0, got " + rhoBar);
        }
        if (!(cBar > 0)) {
            throw new IllegalArgumentException("cBar must be > 0, got " + cBar);
        }
        int n = tr.numEnvs();
        int len = tr.length();
        float[] rew = tr.rew();
        boolean[] fin = tr.fin();
        for (int j = 0; j < n; j++) {
            double tail = 0;
            for (int t = len - 1; t >= 0; t--) {
                int i = t * n + j;
                int k = (t + 1) * n + j;
                double ratio = Math.exp(logRhos[i]);
                double rho = Math.min(rhoBar, ratio);
                double c = Math.min(cBar, ratio);
                double next = fin[k] ? endValue(tr, finalValues, k) : values[k];
                double nextVs = fin[k] ? next : values[k] + tail;
                double dv = rho * (rew[k] + gamma * next - values[i]);
                tail = fin[k] ? dv : dv + gamma * c * tail;
                vs[i] = (float) (values[i] + tail);
                pg[i] = (float) (rho * (rew[k] + gamma * nextVs - values[i]));
            }
        }
    }

    private static double delta(Trajectory tr, float[] values, float[] finalValues, float gamma, int t, int j) {
        int n = tr.numEnvs();
        int k = (t + 1) * n + j;
        double next = tr.fin()[k] ? endValue(tr, finalValues, k) : values[k];
        return tr.rew()[k] + gamma * next - values[t * n + j];
    }

    /** The value after an episode end at record cell k: v(finalObs) when truncated, else 0. */
    private static double endValue(Trajectory tr, float[] finalValues, int k) {
        boolean[] trunc = tr.trunc();
        if (trunc == null || !trunc[k]) {
            return 0;
        }
        if (finalValues == null) {
            throw new IllegalArgumentException("finalValues is null but trunc is set at record " + k / tr.numEnvs()
                    + ", env " + k % tr.numEnvs() + ": a truncated episode bootstraps from v(finalObs)");
        }
        return finalValues[k];
    }

    private static void check(Trajectory tr, float[] values, float[] finalValues, float[] out) {
        if (values == null || values.length != tr.records()) {
            throw new IllegalArgumentException("values: expected (T+1)*N = " + tr.records() + " elements, got "
                    + (values == null ? "null" : values.length));
        }
        if (finalValues != null && finalValues.length != tr.records()) {
            throw new IllegalArgumentException("finalValues: expected (T+1)*N = " + tr.records()
                    + " elements, got " + finalValues.length);
        }
        checkOut("out", out, tr);
    }

    private static void checkOut(String field, float[] a, Trajectory tr) {
        if (a == null || a.length != tr.transitions()) {
            throw new IllegalArgumentException(field + ": expected T*N = " + tr.transitions() + " elements, got "
                    + (a == null ? "null" : a.length));
        }
    }

    private static void checkUnit(String field, float x) {
        if (!(x >= 0 && x <= 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1], got " + x);
        }
    }
}
