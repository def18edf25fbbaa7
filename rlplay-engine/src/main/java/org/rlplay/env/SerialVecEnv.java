package org.rlplay.env;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.rlplay.env.space.Space;

/**
 * A {@link VecEnv} that steps N Java {@link Env}s one after another on the caller's thread. Owns
 * the envs and closes them. Each env writes straight into the {@link BatchStep}'s targets;
 * stepping allocates nothing.
 */
public final class SerialVecEnv implements VecEnv {
    private final Env<Object>[] envs;
    private final Space observationSpace;
    private final Space actionSpace;
    private final List<String> infoKeys;
    private final int obsSize;
    private final int infoSize;
    private final Transition transition;
    private boolean closed;

    /**
     * Takes ownership of {@code envs}, which must all have the same spaces and info keys, and store
     * observations in the array type of their space's {@link Space#storageType()}.
     */
    @SuppressWarnings("unchecked")
    public SerialVecEnv(List<? extends Env<?>> envs) {
        if (envs.isEmpty()) {
            throw new IllegalArgumentException("a VecEnv needs at least one env (N >= 1)");
        }
        this.envs = envs.toArray(new Env[0]);
        this.observationSpace = this.envs[0].observationSpace();
        this.actionSpace = this.envs[0].actionSpace();
        this.infoKeys = List.copyOf(this.envs[0].infoKeys());
        for (int j = 1; j < this.envs.length; j++) {
            Env<?> e = this.envs[j];
            if (!e.observationSpace().equals(observationSpace) || !e.actionSpace().equals(actionSpace)
                    || !e.infoKeys().equals(infoKeys)) {
                throw new IllegalArgumentException("env " + j + " has spaces " + e.observationSpace() + " / "
                        + e.actionSpace() + " but env 0 has " + observationSpace + " / " + actionSpace);
            }
        }
        this.obsSize = observationSpace.size();
        this.infoSize = infoKeys.size();
        this.transition = new Transition(infoSize);
    }

    /** {@code numEnvs} envs made by {@code factory}. */
    public static SerialVecEnv of(int numEnvs, Supplier<? extends Env<?>> factory) {
        if (numEnvs < 1) {
            throw new IllegalArgumentException("numEnvs must be >= 1, got " + numEnvs);
        }
        List<Env<?>> list = new ArrayList<>(numEnvs);
        for (int j = 0; j < numEnvs; j++) {
            list.add(factory.get());
        }
        return new SerialVecEnv(list);
    }

    @Override
    public int numEnvs() {
        return envs.length;
    }

    @Override
    public Space observationSpace() {
        return observationSpace;
    }

    @Override
    public Space actionSpace() {
        return actionSpace;
    }

    @Override
    public List<String> infoKeys() {
        return infoKeys;
    }

    /** The env at index {@code j} (for tests and wrappers; do not step it directly). */
    public Env<?> env(int j) {
        return envs[j];
    }

    @Override
    public void reset(long[] seeds, BatchStep out) {
        if (seeds != null && seeds.length != envs.length) {
            throw new IllegalArgumentException("seeds: expected " + envs.length + " seeds, got " + seeds.length);
        }
        Object obs = out.obs();
        int base = out.obsOffset();
        for (int j = 0; j < envs.length; j++) {
            try {
                if (seeds != null) {
                    envs[j].reset(seeds[j], obs, base + j * obsSize);
                } else {
                    envs[j].reset(obs, base + j * obsSize);
                }
            } catch (RuntimeException e) {
                throw failure(j, "reset", e);
            }
        }
    }

    @Override
    public void step(ActionBatch actions, boolean[] skip, BatchStep out) {
        if (actions.numEnvs() != envs.length) {
            throw new IllegalArgumentException("act: expected actions for " + envs.length + " envs, got "
                    + actions.numEnvs());
        }
        actions.validate();
        Object obs = out.obs();
        int obsBase = out.obsOffset();
        Object finalObs = out.finalObs();
        int finalBase = out.finalObsOffset();
        float[] reward = out.reward();
        int rewardBase = out.rewardOffset();
        float[] info = out.info();
        int infoBase = out.infoOffset();
        boolean[] terminated = out.terminated();
        boolean[] truncated = out.truncated();
        Transition tr = transition;
        float[] trInfo = tr.info();
        for (int j = 0; j < envs.length; j++) {
            if (skip != null && skip[j]) {
                continue;
            }
            int off = obsBase + j * obsSize;
            try {
                envs[j].step(actions, j, obs, off, tr);
                reward[rewardBase + j] = tr.reward();
                terminated[j] = tr.terminated();
                truncated[j] = tr.truncated();
                if (infoSize > 0) {
                    System.arraycopy(trInfo, 0, info, infoBase + j * infoSize, infoSize);
                }
                if (tr.terminated() || tr.truncated()) {
                    System.arraycopy(obs, off, finalObs, finalBase + j * obsSize, obsSize);
                    envs[j].reset(obs, off);
                }
            } catch (RuntimeException e) {
                throw failure(j, "step", e);
            }
        }
    }

    @Override
    public boolean canSaveState() {
        for (Env<?> e : envs) {
            if (!e.canSaveState()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        out.writeInt(envs.length);
        for (int j = 0; j < envs.length; j++) {
            if (!envs[j].canSaveState()) {
                throw new UnsupportedOperationException("env " + j + " (" + envs[j].getClass().getSimpleName()
                        + ") cannot save its state");
            }
            envs[j].saveState(out);
        }
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        int n = in.readInt();
        if (n != envs.length) {
            throw new IllegalArgumentException("the saved state holds " + n + " envs, this batch has " + envs.length);
        }
        for (Env<?> e : envs) {
            e.loadState(in);
        }
    }

    private EnvException failure(int j, String what, RuntimeException e) {
        if (e instanceof ClassCastException) {
            return new EnvException(j, what + " failed: the env does not write "
                    + observationSpace.storageType().arrayType().getSimpleName() + " observations, the storage of "
                    + observationSpace + " (" + e.getMessage() + ")", e);
        }
        return new EnvException(j, what + " failed: " + e, e);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (Env<?> e : envs) {
            try {
                e.close();
            } catch (RuntimeException ex) {
                if (first == null) {
                    first = ex;
                } else {
                    first.addSuppressed(ex);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
