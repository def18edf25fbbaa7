package org.rlplay.algos.ope.bandit;

import java.util.Arrays;
import org.rlplay.algos.ope.ActionDistribution;
import org.rlplay.env.space.Discrete;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;

/**
 * Contextual-bandit decisions read from fragments: a {@link BanditLog} and the context of each
 * row. A decision is an episode of one step (DESIGN.md section 7): its context is the observation
 * at the record where the episode starts ({@code stepno} 0), its action, reward and end are at the
 * next record, and the behaviour's probabilities are the actor info the behaviour reported at the
 * context's record. So a T = 1 fragment holds one decision per env (record 0, record 1), and a
 * longer fragment of one-step episodes T per env; sticky repeats are skipped. The behaviour column
 * is either its whole distribution, (T+1, N, K) with K the {@code Discrete(K)} action space (then
 * the log carries it: {@link BanditLog#withBehaviour}, and support is checked per context), or
 * the propensity of the action it took, (T+1, N, 1).
 *
 * <p>Immutable. {@link #contexts()} hands out the backing array (n x d floats, row-major); callers
 * must not change it.
 */
public final class LoggedDecisions {
    private final BanditLog log;
    private final float[] contexts;
    private final int contextSize;

    private LoggedDecisions(BanditLog log, float[] contexts, int contextSize) {
        this.log = log;
        this.contexts = contexts;
        this.contextSize = contextSize;
    }

    /**
     * Reads every decision of {@code fragments} (one pass; any order).
     *
     * @param behaviourColumn the actor info column with the behaviour's distribution or propensity
     * @throws IllegalArgumentException in one line naming the fragment, record and env: the action
     *     space is not {@code Discrete(K)} from 0, the column is missing (a log without propensities)
     *     or neither K nor 1 wide, an episode lasts more than one step (not a bandit log), a
     *     propensity is outside (0, 1] or a distribution is not one, or there is no decision at all
     */
    public static LoggedDecisions collect(Iterable<Fragment> fragments, String behaviourColumn) {
        int k = -1;
        int d = -1;
        int n = 0;
        int[] action = new int[1024];
        double[] reward = new double[1024];
        double[] propensity = new double[1024];
        double[] distribution = null;
        float[] contexts = null;
        boolean full = false;
        boolean[] real = new boolean[0];
        for (Fragment f : fragments) {
            if (k < 0) {
                if (!(f.spec().actionSpace() instanceof Discrete space) || space.start() != 0) {
                    throw new IllegalArgumentException("a bandit log needs a Discrete(K) action space from 0, this log has "
                            + f.spec().actionSpace());
                }
                k = space.n();
                d = f.spec().observationSpace().size();
                contexts = new float[1024 * d];
            }
            if (f.actorInfo().stream().noneMatch(c -> c.name().equals(behaviourColumn))) {
                throw new IllegalArgumentException("the log has no propensities: fragment " + f.sequence() + " has no actor "
                        + "info column '" + behaviourColumn + "' (it has " + f.actorInfo().stream().map(Column::name).toList()
                        + "); log the behaviour's probabilities as actor info");
            }
            Column mu = f.actorInfo(behaviourColumn);
            if (mu.width() != k && mu.width() != 1) {
                throw new IllegalArgumentException("actor info column '" + behaviourColumn + "' is " + mu.width()
                        + " wide: expected the behaviour's distribution over the " + k + " actions, or 1 propensity");
            }
            if (n == 0) {
                full = mu.width() == k && k > 1;
                distribution = full ? new double[1024 * k] : null;
            }
            int envs = f.numEnvs();
            int cells = f.length() * envs;
            if (real.length != cells) {
                real = new boolean[cells];
            }
            boolean[] fin = f.fin();
            for (int i = 0; i < cells; i++) {
                real[i] = !fin[i + envs];
            }
            Episodes ends = f.episodes();
            for (int e = 0; e < ends.count(); e++) {
                real[(ends.record(e) - 1) * envs + ends.env(e)] = true;
            }
            for (int t = 0; t < f.length(); t++) {
                for (int j = 0; j < envs; j++) {
                    if (!real[t * envs + j]) {
                        continue;
                    }
                    if (!fin[(t + 1) * envs + j] || f.stepno(t, j) != 0) {
                        throw new IllegalArgumentException("fragment " + f.sequence() + " record " + (t + 1) + " env " + j
                                + ": an episode lasts more than one step, so this is not a contextual-bandit log");
                    }
                    if (n == action.length) {
                        int grown = 2 * n;
                        action = Arrays.copyOf(action, grown);
                        reward = Arrays.copyOf(reward, grown);
                        propensity = Arrays.copyOf(propensity, grown);
                        contexts = Arrays.copyOf(contexts, grown * d);
                        distribution = full ? Arrays.copyOf(distribution, grown * k) : null;
                    }
                    int a = (int) f.act(t + 1, j, 0);
                    action[n] = a;
                    reward[n] = f.rew(t + 1, j);
                    for (int e = 0; e < d; e++) {
                        contexts[n * d + e] = f.obs(t, j, e);
                    }
                    if (full) {
                        for (int b = 0; b < k; b++) {
                            distribution[n * k + b] = mu.get(t, j, b);
                        }
                        propensity[n] = a >= 0 && a < k ? mu.get(t, j, a) : Double.NaN;
                    } else {
                        propensity[n] = mu.get(t, j, 0);
                    }
                    n++;
                }
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("the log holds no complete decision");
        }
        BanditLog log = BanditLog.of(k, Arrays.copyOf(action, n), Arrays.copyOf(reward, n), Arrays.copyOf(propensity, n));
        if (full) {
            log = log.withBehaviour(ActionTable.wrap(k, Arrays.copyOf(distribution, n * k)));
        }
        return new LoggedDecisions(log, Arrays.copyOf(contexts, n * d), d);
    }

    /**
     * Rows {@code [from, to)} as a log of their own (copied): a split into training and evaluation
     * rows, or a partition of a larger log (whose statistics then start at global row {@code from},
     * {@link BanditEstimator#statistics}).
     *
     * @throws IllegalArgumentException unless {@code 0 <= from < to <= size}
     */
    public LoggedDecisions rows(int from, int to) {
        int n = log.size();
        if (from < 0 || to > n || from >= to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") are not a non-empty range of the " + n
                    + " logged decisions");
        }
        int k = log.actions();
        int[] action = new int[to - from];
        double[] reward = new double[to - from];
        double[] propensity = new double[to - from];
        for (int i = from; i < to; i++) {
            action[i - from] = log.action(i);
            reward[i - from] = log.reward(i);
            propensity[i - from] = log.propensity(i);
        }
        BanditLog part = BanditLog.of(k, action, reward, propensity);
        if (log.behaviour().isPresent()) {
            part = part.withBehaviour(ActionTable.wrap(k, Arrays.copyOfRange(log.behaviour().get().values(), from * k,
                    to * k)));
        }
        return new LoggedDecisions(part, Arrays.copyOfRange(contexts, from * contextSize, to * contextSize), contextSize);
    }

    /** The decisions as a bandit log. */
    public BanditLog log() {
        return log;
    }

    /** The contexts, n x d row-major (the backing array: do not change it). */
    public float[] contexts() {
        return contexts;
    }

    /** d, the number of features of a context. */
    public int contextSize() {
        return contextSize;
    }

    /**
     * The action distribution of {@code policy} at every logged context, an n x K table for
     * {@link BanditEvaluation#of}, computed in batches of 4096 contexts.
     */
    public ActionTable target(ActionDistribution policy) {
        int n = log.size();
        int k = log.actions();
        double[] table = new double[Math.multiplyExact(n, k)];
        int batch = 4096;
        float[] x = new float[batch * contextSize];
        double[] out = new double[batch * k];
        for (int start = 0; start < n; start += batch) {
            int b = Math.min(batch, n - start);
            System.arraycopy(contexts, start * contextSize, x, 0, b * contextSize);
            policy.probabilities(x, b, out);
            System.arraycopy(out, 0, table, start * k, b * k);
        }
        return ActionTable.wrap(k, table);
    }
}
