package org.rlplay.rollout;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Arrays;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.actor.StepScope;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.BatchStep;
import org.rlplay.env.EnvException;
import org.rlplay.env.VecEnv;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;

/**
 * The collection loop: steps a batch of envs and an actor and writes fragments, keeping the state
 * that runs across fragments (the lookahead record, hx, running episode statistics).
 *
 * <p>Every rollout mode drives collectors: {@code same} on the training loop's thread, the
 * decoupled modes on collector threads. One collector is used by one thread at a time. It owns its
 * {@link VecEnv} and the DJL scope holding hx, and closes both; it does not own the actor.
 * {@link #collect} allocates nothing per step beyond what the actor itself allocates.
 */
public final class Collector implements AutoCloseable {
    private final VecEnv envs;
    private final Actor actor;
    private final RolloutConfig config;
    private final FragmentSpec spec;
    private final int index;
    private final int envOffset;
    private final int numEnvs;
    private final int obsSize;
    private final int actSize;
    private final int infoSize;
    private final StepScope scope = new StepScope();
    private final RecordBatch records;
    private final ActionBatch actions;
    private final ActorOutput out;
    private final BatchStep batch;
    private final Lookahead lookahead;
    private final boolean[] stuck;
    private final int[] ended;
    private int stuckCount;
    private final double[] episodeReturn;
    private final int[] episodeLength;
    private NDList hx;
    private boolean started;
    private boolean closed;
    private long sequence;
    private long envSteps;

    /**
     * @param envs      the batch of envs, owned by this collector from now on
     * @param actor     the actor (not owned)
     * @param config    fragment length, seed, sticky mode, finalObs
     * @param index     this collector's index (0 for {@code same})
     * @param envOffset global index of this collector's env 0, used for seeding and metadata
     */
    public Collector(VecEnv envs, Actor actor, RolloutConfig config, int index, int envOffset) {
        this.envs = envs;
        this.actor = actor;
        this.config = config;
        this.index = index;
        this.envOffset = envOffset;
        this.spec = new FragmentSpec(config.length(), envs.numEnvs(), envs.observationSpace(),
                envs.actionSpace(), envs.infoKeys(), config.keepFinalObs());
        this.numEnvs = spec.numEnvs();
        this.obsSize = spec.observationSpace().size();
        this.actSize = spec.actionSpace().size();
        this.infoSize = spec.envInfoKeys().size();
        this.records = new RecordBatch(spec, scope);
        this.actions = new ActionBatch(spec.actionSpace(), numEnvs);
        this.out = new ActorOutput(actions);
        this.batch = BatchStep.of(envs);
        this.lookahead = new Lookahead(numEnvs, obsSize, actSize, spec.actionSpace().isDiscrete(), config.keepFinalObs());
        this.stuck = new boolean[numEnvs];
        this.ended = new int[numEnvs];
        this.episodeReturn = new double[numEnvs];
        this.episodeLength = new int[numEnvs];
    }

    /** The layout of the fragments this collector writes. */
    public FragmentSpec spec() {
        return spec;
    }

    /** Env steps taken so far (stuck envs in sticky mode are not stepped and not counted). */
    public long envSteps() {
        return envSteps;
    }

    /** The seeds this collector resets its envs with at start-up: {@code seed + envOffset + j}. */
    public long[] seeds() {
        long[] seeds = new long[numEnvs];
        for (int j = 0; j < numEnvs; j++) {
            seeds[j] = config.seed() + envOffset + j;
        }
        return seeds;
    }

    /**
     * Writes the next fragment of this collector's stream into {@code f}, collected with the
     * actor's current weights, labelled {@code actorVersion}.
     */
    public void collect(Fragment f, long actorVersion) {
        if (closed) {
            throw new IllegalStateException("collector " + index + " is closed");
        }
        scope.noGrad();
        f.setMeta(sequence++, actorVersion, index, envOffset);
        f.clearEpisodes();
        if (!started) {
            startUp(f);
            started = true;
        } else {
            lookahead.writeTo(f);
        }
        f.setHx(hx);
        Arrays.fill(stuck, false);
        stuckCount = 0;
        if (f.finalObs() != null) {
            Arrays.fill(f.finalObs(), numEnvs * obsSize, f.finalObs().length, 0f);
        }
        int length = spec.length();
        for (int t = 0; t < length; t++) {
            try {
                records.bind(f, t);
                out.bind(f, t);
                NDList next = actor.step(records, hx, false, out);
                if (!out.actionsWritten()) {
                    throw new IllegalStateException("actor.step wrote no actions at record " + t
                            + ": call out.actions(NDArray) or write out.actions()");
                }
                hx = adopt(next);
                envs.step(actions, config.sticky() ? stuck : null, batch);
                int count = absorb(f, t);
                for (int i = 0; i < count; i++) {
                    hx = adopt(actor.reset(hx, ended[i]));
                }
            } finally {
                scope.endIteration();
            }
        }
        try {
            records.bind(f, length);
            out.bind(f, length);
            NDList discarded = actor.step(records, hx, true, out);
            if (discarded != hx && discarded != null) {
                closeExcept(discarded, hx);
            }
        } finally {
            scope.endIteration();
        }
        lookahead.readFrom(f);
    }

    /** Start-up record 0: reset observations, fin set, rew 0, act zero, stepno 0. */
    private void startUp(Fragment f) {
        envs.reset(seeds(), batch);
        checkFinite(batch.obs(), 0, "reset");
        System.arraycopy(batch.obs(), 0, f.obs(), 0, numEnvs * obsSize);
        Arrays.fill(f.stepno(), 0, numEnvs, 0);
        Arrays.fill(f.rew(), 0, numEnvs, 0f);
        Arrays.fill(f.fin(), 0, numEnvs, true);
        Arrays.fill(f.trunc(), 0, numEnvs, false);
        if (f.actInts() != null) {
            Arrays.fill(f.actInts(), 0, numEnvs * actSize, 0);
        } else {
            Arrays.fill(f.actFloats(), 0, numEnvs * actSize, 0f);
        }
        if (f.finalObs() != null) {
            Arrays.fill(f.finalObs(), 0, numEnvs * obsSize, 0f);
        }
    }

    /**
     * Writes record t+1 and env info t from the batch step and the actions just taken: bulk copies
     * for the whole batch, then one pass over the envs for flags, stepno and episode accounting.
     *
     * @return the number of envs whose record t+1 has {@code fin} set, listed in {@code ended}
     */
    private int absorb(Fragment f, int t) {
        int skipped = stuckCount;
        int prev = f.index(t, 0);
        int next = f.index(t + 1, 0);
        float[] obs = f.obs();
        System.arraycopy(batch.obs(), 0, obs, next * obsSize, numEnvs * obsSize);
        System.arraycopy(batch.reward(), 0, f.rew(), next, numEnvs);
        if (f.actInts() != null) {
            System.arraycopy(actions.ints(), 0, f.actInts(), next * actSize, numEnvs * actSize);
        } else {
            System.arraycopy(actions.floats(), 0, f.actFloats(), next * actSize, numEnvs * actSize);
        }
        if (infoSize > 0) {
            System.arraycopy(batch.info(), 0, f.envInfo(), t * numEnvs * infoSize, numEnvs * infoSize);
        }
        if (config.sticky()) {
            repeatStuck(f, t);
        }
        checkFinite(obs, next * obsSize, "step");
        checkFiniteRewards(f.rew(), next);
        int[] stepno = f.stepno();
        float[] rew = f.rew();
        boolean[] fin = f.fin();
        boolean[] trunc = f.trunc();
        boolean[] bTerm = batch.terminated();
        boolean[] bTrunc = batch.truncated();
        // one branch-free pass over all envs; the ones whose episode ended are compacted into `ended`
        int count = 0;
        for (int j = 0; j < numEnvs; j++) {
            boolean done = bTerm[j] | bTrunc[j];
            int live = done ? 0 : 1;
            fin[next + j] = done;
            trunc[next + j] = bTrunc[j] & !bTerm[j];
            stepno[next + j] = (stepno[prev + j] + 1) * live;
            episodeReturn[j] += rew[next + j];
            episodeLength[j]++;
            ended[count] = j;
            count += live ^ 1;
        }
        if (config.sticky()) {
            count = endStickyEpisodes(f, t, count);
        } else {
            for (int i = 0; i < count; i++) {
                endEpisode(f, t, ended[i]);
            }
        }
        envSteps += numEnvs - skipped;
        return count;
    }

    /** Records the end of env j's episode at record t+1: final observation and statistics. */
    private void endEpisode(Fragment f, int t, int j) {
        int cell = f.index(t + 1, j);
        if (f.finalObs() != null) {
            System.arraycopy(batch.finalObs(), j * obsSize, f.finalObs(), cell * obsSize, obsSize);
        }
        f.episodes().add(j, t + 1, episodeReturn[j], episodeLength[j], f.trunc()[cell]);
        episodeReturn[j] = 0;
        episodeLength[j] = 0;
    }

    /**
     * Sticky mode: envs stopped earlier in the fragment (reported as done by the stale flags of
     * their last step) get their repeated records back, envs that ended now are stopped.
     *
     * @return the number of envs with fin at record t+1, listed in {@code ended}
     */
    private int endStickyEpisodes(Fragment f, int t, int count) {
        int next = f.index(t + 1, 0);
        int kept = 0;
        for (int i = 0; i < count; i++) {
            int j = ended[i];
            if (stuck[j]) {
                f.fin()[next + j] = true;
                f.trunc()[next + j] = false;
                f.stepno()[next + j] = 0;
                episodeReturn[j] = 0;
                episodeLength[j] = 0;
            } else {
                endEpisode(f, t, j);
                stuck[j] = true;
                stuckCount++;
            }
            ended[kept++] = j;
        }
        return kept;
    }

    /** Throws naming the env of the first non-finite reward among the N at {@code from}. */
    private void checkFiniteRewards(float[] rew, int from) {
        int carry = 0;
        for (int j = 0; j < numEnvs; j++) {
            carry |= (Float.floatToRawIntBits(rew[from + j]) & 0x7f800000) + 0x00800000;
        }
        if (carry < 0) {
            for (int j = 0; j < numEnvs; j++) {
                if (!Float.isFinite(rew[from + j])) {
                    throw new EnvException(j, "rew: non-finite reward " + rew[from + j]);
                }
            }
        }
    }

    /** Sticky mode: envs stopped earlier in this fragment repeat their record with fin, rew 0, act 0. */
    private void repeatStuck(Fragment f, int t) {
        int prev = f.index(t, 0);
        int next = f.index(t + 1, 0);
        float[] obs = f.obs();
        for (int j = 0; j < numEnvs; j++) {
            if (!stuck[j]) {
                continue;
            }
            int cell = next + j;
            f.stepno()[cell] = 0;
            System.arraycopy(obs, (prev + j) * obsSize, obs, cell * obsSize, obsSize);
            f.rew()[cell] = 0f;
            f.fin()[cell] = true;
            f.trunc()[cell] = false;
            if (f.actInts() != null) {
                Arrays.fill(f.actInts(), cell * actSize, (cell + 1) * actSize, 0);
            } else {
                Arrays.fill(f.actFloats(), cell * actSize, (cell + 1) * actSize, 0f);
            }
            if (infoSize > 0) {
                Arrays.fill(f.envInfo(), (t * numEnvs + j) * infoSize, (t * numEnvs + j + 1) * infoSize, 0f);
            }
        }
    }

    /** Throws naming the env and element of the first non-finite value in the N observations at {@code from}. */
    private void checkFinite(float[] values, int from, String what) {
        // an all-ones exponent (inf or NaN) carries into the sign bit: one branch-free pass
        int carry = 0;
        int end = from + numEnvs * obsSize;
        for (int k = from; k < end; k++) {
            carry |= (Float.floatToRawIntBits(values[k]) & 0x7f800000) + 0x00800000;
        }
        if (carry >= 0) {
            return;
        }
        for (int k = from; k < end; k++) {
            if (!Float.isFinite(values[k])) {
                int rel = k - from;
                throw new EnvException(rel / obsSize, "obs: non-finite value " + values[k]
                        + " at element " + rel % obsSize + " after " + what);
            }
        }
    }

    /** Keeps {@code next} alive beyond the step scope and releases what of the old hx it dropped. */
    private NDList adopt(NDList next) {
        if (next == hx) {
            return hx;
        }
        if (next != null) {
            next.attach(scope.base());
        }
        if (hx != null) {
            closeExcept(hx, next);
        }
        return next;
    }

    private static void closeExcept(NDList list, NDList keep) {
        for (NDArray a : list) {
            boolean kept = false;
            if (keep != null) {
                for (NDArray k : keep) {
                    kept |= k == a;
                }
            }
            if (!kept) {
                a.close();
            }
        }
    }

    /** Closes the envs and releases hx. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            envs.close();
        } finally {
            hx = null;
            scope.close();
        }
    }
}
