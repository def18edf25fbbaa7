package org.rlplay.rollout;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorDriver;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.BatchStep;
import org.rlplay.env.EnvException;
import org.rlplay.env.VecEnv;
import org.rlplay.env.space.ElementType;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.ColumnSpec;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;

/**
 * The collection loop: steps a batch of envs and an actor and writes fragments, keeping the state
 * that runs across fragments (the lookahead record, the actor's hx through its {@link ActorDriver},
 * running episode statistics).
 *
 * <p>The envs write each step's observations, rewards, final observations and info straight into
 * the fragment's record (their {@link BatchStep} targets it); this loop copies the actions, checks
 * that observations, final observations and rewards are finite, and derives {@code fin}, {@code trunc},
 * {@code stepno} and the episode ends. Env info is stored as the env reported it: NaN stands for a
 * key the env did not report at that step (the Gymnasium bridge's convention).
 *
 * <p>Every rollout mode drives collectors: {@code same} on the training loop's thread, the ring
 * modes on collector threads. One collector is used by one thread at a time. It owns its
 * {@link VecEnv} and its actor driver, and closes both; it does not own the actor. {@link #collect}
 * allocates nothing per step beyond what the actor itself allocates.
 */
final class Collector implements AutoCloseable {
    private final VecEnv envs;
    private final RolloutConfig config;
    private final FragmentSpec spec;
    private final int index;
    private final int envOffset;
    private final int numEnvs;
    private final int obsSize;
    private final int actSize;
    private final int infoSize;
    private final ElementType obsType;
    private final boolean checkObs;
    private final ActorDriver driver;
    private final BatchStep batch;
    private final Lookahead lookahead;
    private final boolean[] stuck;
    private final int[] ended;
    private final double[] episodeReturn;
    private final int[] episodeLength;
    private int stuckCount;
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
    Collector(VecEnv envs, Actor actor, RolloutConfig config, int index, int envOffset) {
        this.envs = envs;
        this.config = config;
        this.index = index;
        this.envOffset = envOffset;
        this.spec = new FragmentSpec(config.length(), envs.numEnvs(), envs.observationSpace(),
                envs.actionSpace(), envs.infoKeys(), config.keepFinalObs());
        this.numEnvs = spec.numEnvs();
        this.obsSize = spec.observationSpace().size();
        this.actSize = spec.actionSpace().size();
        this.infoSize = spec.envInfoKeys().size();
        this.obsType = spec.observationSpace().storageType();
        this.checkObs = obsType == ElementType.FLOAT32;
        this.driver = new ActorDriver(actor, spec);
        this.batch = BatchStep.of(envs);
        this.lookahead = new Lookahead(spec);
        this.stuck = new boolean[numEnvs];
        this.ended = new int[numEnvs];
        this.episodeReturn = new double[numEnvs];
        this.episodeLength = new int[numEnvs];
    }

    /** The layout of the fragments this collector writes. */
    FragmentSpec spec() {
        return spec;
    }

    int index() {
        return index;
    }

    /** Env steps taken so far (stuck envs in sticky mode are not stepped and not counted). */
    long envSteps() {
        return envSteps;
    }

    /** The seeds this collector resets its envs with at start-up: {@code seed + envOffset + j}. */
    long[] seeds() {
        long[] seeds = new long[numEnvs];
        for (int j = 0; j < numEnvs; j++) {
            seeds[j] = config.seed() + envOffset + j;
        }
        return seeds;
    }

    /**
     * Writes the next fragment of this collector's stream into {@code w}'s fragment, collected with
     * the actor's current weights, labelled {@code actorVersion}.
     */
    void collect(FragmentWriter w, long actorVersion) {
        if (closed) {
            throw new IllegalStateException("collector " + index + " is closed");
        }
        Fragment f = w.fragment();
        driver.beginFragment();
        w.setMeta(sequence++, actorVersion, index, envOffset);
        w.clearEpisodes();
        if (!started) {
            startUp(f);
            started = true;
        } else {
            lookahead.writeTo(f);
        }
        w.setHx(driver.hx());
        Arrays.fill(stuck, false);
        stuckCount = 0;
        Object finalObs = spec.keepFinalObs() ? f.column(ColumnSpec.FINAL_OBS).array() : null;
        if (finalObs != null) {
            obsType.clear(finalObs, numEnvs * obsSize, (spec.length() + 1) * numEnvs * obsSize);
        }
        Object obs = f.column(ColumnSpec.OBS).array();
        Object act = f.column(ColumnSpec.ACT).array();
        ActionBatch actions = driver.actions();
        Object taken = actions.ints() != null ? actions.ints() : actions.floats();
        int length = spec.length();
        batch.target(obs, 0, f.rew(), 0, finalObs, 0, f.envInfo(), 0);
        for (int t = 0; t < length; t++) {
            driver.step(w, t);
            int next = f.index(t + 1, 0);
            batch.moveTargets(next * obsSize, next, next * obsSize, t * numEnvs * infoSize);
            envs.step(actions, config.sticky() ? stuck : null, batch);
            System.arraycopy(taken, 0, act, next * actSize, numEnvs * actSize);
            int count = absorb(f, w, t);
            for (int i = 0; i < count; i++) {
                driver.reset(ended[i]);
            }
        }
        driver.virtualStep(w, length);
        lookahead.readFrom(f);
    }

    /** Start-up record 0: reset observations, fin set, rew 0, act zero, stepno 0. */
    private void startUp(Fragment f) {
        batch.target(f.column(ColumnSpec.OBS).array(), 0, f.rew(), 0, null, 0, f.envInfo(), 0);
        envs.reset(seeds(), batch);
        checkFinite(batch.obs(), 0, "obs", "reset");
        Arrays.fill(f.stepno(), 0, numEnvs, 0);
        Arrays.fill(f.rew(), 0, numEnvs, 0f);
        Arrays.fill(f.fin(), 0, numEnvs, true);
        Arrays.fill(f.trunc(), 0, numEnvs, false);
        Column act = f.column(ColumnSpec.ACT);
        act.type().clear(act.array(), 0, numEnvs * actSize);
        if (spec.keepFinalObs()) {
            obsType.clear(f.column(ColumnSpec.FINAL_OBS).array(), 0, numEnvs * obsSize);
        }
    }

    /**
     * Completes record t+1 after the envs wrote into it: finiteness checks, then one pass over the
     * envs for flags, stepno and episode accounting.
     *
     * @return the number of envs whose record t+1 has {@code fin} set, listed in {@code ended}
     */
    private int absorb(Fragment f, FragmentWriter w, int t) {
        int skipped = stuckCount;
        int prev = f.index(t, 0);
        int next = f.index(t + 1, 0);
        if (config.sticky()) {
            repeatStuck(f, t);
        }
        checkFinite(batch.obs(), next * obsSize, "obs", "step");
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
            count = endStickyEpisodes(f, w, t, count);
        } else {
            for (int i = 0; i < count; i++) {
                endEpisode(f, w, t, ended[i]);
            }
        }
        envSteps += numEnvs - skipped;
        return count;
    }

    /** Records the end of env j's episode at record t+1: checks its final observation, adds its statistics. */
    private void endEpisode(Fragment f, FragmentWriter w, int t, int j) {
        if (checkObs) {
            float[] last = (float[]) batch.finalObs();
            int from = batch.finalObsOffset() + j * obsSize;
            for (int i = 0; i < obsSize; i++) {
                if (!Float.isFinite(last[from + i])) {
                    throw new EnvException(j, "finalObs: non-finite value " + last[from + i] + " at element " + i
                            + " of the last observation of an episode");
                }
            }
        }
        w.addEpisode(j, t + 1, episodeReturn[j], episodeLength[j], f.trunc()[f.index(t + 1, j)]);
        episodeReturn[j] = 0;
        episodeLength[j] = 0;
    }

    /**
     * Sticky mode: envs stopped earlier in the fragment (reported as done by the stale flags of
     * their last step) get their repeated records back, envs that ended now are stopped.
     *
     * @return the number of envs with fin at record t+1, listed in {@code ended}
     */
    private int endStickyEpisodes(Fragment f, FragmentWriter w, int t, int count) {
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
                endEpisode(f, w, t, j);
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

    /** Sticky mode: envs stopped earlier in this fragment repeat their record with fin, rew 0, act 0, info 0. */
    private void repeatStuck(Fragment f, int t) {
        int prev = f.index(t, 0);
        int next = f.index(t + 1, 0);
        Object obs = f.column(ColumnSpec.OBS).array();
        Column act = f.column(ColumnSpec.ACT);
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
            act.type().clear(act.array(), cell * actSize, (cell + 1) * actSize);
            if (infoSize > 0) {
                Arrays.fill(f.envInfo(), (t * numEnvs + j) * infoSize, (t * numEnvs + j + 1) * infoSize, 0f);
            }
        }
    }

    /**
     * Throws naming the env and element of the first non-finite value among the N observations at
     * {@code from} of {@code values} (float storage only: integer observations are always finite).
     */
    private void checkFinite(Object values, int from, String field, String what) {
        if (!checkObs) {
            return;
        }
        float[] v = (float[]) values;
        // an all-ones exponent (inf or NaN) carries into the sign bit: one branch-free pass
        int carry = 0;
        int end = from + numEnvs * obsSize;
        for (int k = from; k < end; k++) {
            carry |= (Float.floatToRawIntBits(v[k]) & 0x7f800000) + 0x00800000;
        }
        if (carry >= 0) {
            return;
        }
        for (int k = from; k < end; k++) {
            if (!Float.isFinite(v[k])) {
                int rel = k - from;
                throw new EnvException(rel / obsSize, field + ": non-finite value " + v[k]
                        + " at element " + rel % obsSize + " after " + what);
            }
        }
    }

    /** Whether {@link #saveState} works: the envs can save theirs. */
    boolean canSaveState() {
        return envs.canSaveState();
    }

    /**
     * Writes everything that runs across fragments (stream position, episode statistics, the
     * lookahead record, hx, the envs' states), between fragments.
     */
    void saveState(DataOutput out) throws IOException {
        if (!envs.canSaveState()) {
            throw new UnsupportedOperationException("the envs (" + envs.getClass().getSimpleName()
                    + ") cannot save their state");
        }
        out.writeBoolean(started);
        if (!started) {
            return;
        }
        out.writeLong(sequence);
        out.writeLong(envSteps);
        for (int j = 0; j < numEnvs; j++) {
            out.writeDouble(episodeReturn[j]);
            out.writeInt(episodeLength[j]);
        }
        lookahead.saveState(out);
        driver.saveState(out);
        envs.saveState(out);
    }

    /** Restores what {@link #saveState} wrote; before this collector's first fragment. */
    void loadState(DataInput in) throws IOException {
        if (started) {
            throw new IllegalStateException("a saved state can only be loaded before the first fragment");
        }
        if (!in.readBoolean()) {
            return;
        }
        sequence = in.readLong();
        envSteps = in.readLong();
        for (int j = 0; j < numEnvs; j++) {
            episodeReturn[j] = in.readDouble();
            episodeLength[j] = in.readInt();
        }
        lookahead.loadState(in);
        driver.loadState(in);
        envs.loadState(in);
        started = true;
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
            driver.close();
        }
    }
}
