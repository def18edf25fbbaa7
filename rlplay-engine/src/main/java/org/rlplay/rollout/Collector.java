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
                absorb(f, t);
                boolean[] fin = f.fin();
                int base = f.index(t + 1, 0);
                for (int j = 0; j < numEnvs; j++) {
                    if (fin[base + j]) {
                        hx = adopt(actor.reset(hx, j));
                    }
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
        checkFinite(batch.obs(), "reset");
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

    /** Writes record t+1 and env info t from the batch step (and the actions just taken). */
    private void absorb(Fragment f, int t) {
        int prev = f.index(t, 0);
        int next = f.index(t + 1, 0);
        int[] stepno = f.stepno();
        float[] obs = f.obs();
        float[] rew = f.rew();
        boolean[] fin = f.fin();
        boolean[] trunc = f.trunc();
        float[] finalObs = f.finalObs();
        int[] actInts = f.actInts();
        float[] actFloats = f.actFloats();
        float[] bObs = batch.obs();
        float[] bFinal = batch.finalObs();
        float[] bRew = batch.reward();
        boolean[] bTerm = batch.terminated();
        boolean[] bTrunc = batch.truncated();
        for (int j = 0; j < numEnvs; j++) {
            int cell = next + j;
            if (stuck[j]) {
                stepno[cell] = 0;
                System.arraycopy(obs, (prev + j) * obsSize, obs, cell * obsSize, obsSize);
                rew[cell] = 0f;
                fin[cell] = true;
                trunc[cell] = false;
                if (actInts != null) {
                    Arrays.fill(actInts, cell * actSize, (cell + 1) * actSize, 0);
                } else {
                    Arrays.fill(actFloats, cell * actSize, (cell + 1) * actSize, 0f);
                }
                if (finalObs != null) {
                    Arrays.fill(finalObs, cell * obsSize, (cell + 1) * obsSize, 0f);
                }
                if (infoSize > 0) {
                    Arrays.fill(f.envInfo(), (t * numEnvs + j) * infoSize, (t * numEnvs + j + 1) * infoSize, 0f);
                }
                continue;
            }
            float r = bRew[j];
            if (!Float.isFinite(r)) {
                throw new EnvException(j + envOffset, "rew: non-finite reward " + r);
            }
            boolean done = bTerm[j] || bTrunc[j];
            for (int i = 0; i < obsSize; i++) {
                float x = bObs[j * obsSize + i];
                if (!Float.isFinite(x)) {
                    throw new EnvException(j + envOffset, "obs: non-finite value " + x + " at element " + i);
                }
                obs[cell * obsSize + i] = x;
            }
            if (actInts != null) {
                System.arraycopy(actions.ints(), j * actSize, actInts, cell * actSize, actSize);
            } else {
                System.arraycopy(actions.floats(), j * actSize, actFloats, cell * actSize, actSize);
            }
            rew[cell] = r;
            fin[cell] = done;
            trunc[cell] = bTrunc[j] && !bTerm[j];
            stepno[cell] = done ? 0 : stepno[prev + j] + 1;
            if (finalObs != null) {
                if (done) {
                    System.arraycopy(bFinal, j * obsSize, finalObs, cell * obsSize, obsSize);
                } else {
                    Arrays.fill(finalObs, cell * obsSize, (cell + 1) * obsSize, 0f);
                }
            }
            if (infoSize > 0) {
                System.arraycopy(batch.info(), j * infoSize, f.envInfo(), (t * numEnvs + j) * infoSize, infoSize);
            }
            envSteps++;
            episodeReturn[j] += r;
            episodeLength[j]++;
            if (done) {
                f.episodes().add(j, t + 1, episodeReturn[j], episodeLength[j], trunc[cell]);
                episodeReturn[j] = 0;
                episodeLength[j] = 0;
                stuck[j] = config.sticky();
            }
        }
    }

    private void checkFinite(float[] values, String what) {
        for (int k = 0; k < numEnvs * obsSize; k++) {
            if (!Float.isFinite(values[k])) {
                throw new EnvException(k / obsSize + envOffset, "obs: non-finite value " + values[k]
                        + " at element " + k % obsSize + " after " + what);
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
