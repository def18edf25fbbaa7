package org.rlplay.env;

import java.util.ArrayList;
import java.util.List;
import org.rlplay.env.space.Space;

/**
 * A {@link VecEnv} that steps N Java {@link Env}s one after another on the caller's thread. Owns
 * the envs and closes them. Allocates nothing per step.
 */
public final class SerialVecEnv implements VecEnv {
    private final Env[] envs;
    private final Space observationSpace;
    private final Space actionSpace;
    private final List<String> infoKeys;
    private final int obsSize;
    private final int infoSize;
    private final Transition transition;
    private boolean closed;

    /** Takes ownership of {@code envs}, which must all have the same spaces and info keys. */
    public SerialVecEnv(List<? extends Env> envs) {
        if (envs.isEmpty()) {
            throw new IllegalArgumentException("a VecEnv needs at least one env (N >= 1)");
        }
        this.envs = envs.toArray(new Env[0]);
        this.observationSpace = this.envs[0].observationSpace();
        this.actionSpace = this.envs[0].actionSpace();
        this.infoKeys = List.copyOf(this.envs[0].infoKeys());
        for (int j = 1; j < this.envs.length; j++) {
            Env e = this.envs[j];
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
    public static SerialVecEnv of(int numEnvs, java.util.function.Supplier<? extends Env> factory) {
        if (numEnvs < 1) {
            throw new IllegalArgumentException("numEnvs must be >= 1, got " + numEnvs);
        }
        List<Env> list = new ArrayList<>(numEnvs);
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
    public Env env(int j) {
        return envs[j];
    }

    @Override
    public void reset(long[] seeds, BatchStep out) {
        if (seeds != null && seeds.length != envs.length) {
            throw new IllegalArgumentException("seeds: expected " + envs.length + " seeds, got " + seeds.length);
        }
        float[] obs = out.obs();
        for (int j = 0; j < envs.length; j++) {
            try {
                if (seeds != null) {
                    envs[j].reset(seeds[j], obs, j * obsSize);
                } else {
                    envs[j].reset(obs, j * obsSize);
                }
            } catch (RuntimeException e) {
                throw new EnvException(j, "reset failed: " + e, e);
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
        float[] obs = out.obs();
        float[] info = out.info();
        Transition tr = transition;
        float[] trInfo = tr.info();
        for (int j = 0; j < envs.length; j++) {
            if (skip != null && skip[j]) {
                continue;
            }
            int off = j * obsSize;
            try {
                envs[j].step(actions, j, obs, off, tr);
                out.reward()[j] = tr.reward();
                out.terminated()[j] = tr.terminated();
                out.truncated()[j] = tr.truncated();
                if (infoSize > 0) {
                    System.arraycopy(trInfo, 0, info, j * infoSize, infoSize);
                }
                if (tr.terminated() || tr.truncated()) {
                    System.arraycopy(obs, off, out.finalObs(), off, obsSize);
                    envs[j].reset(obs, off);
                }
            } catch (RuntimeException e) {
                throw new EnvException(j, "step failed: " + e, e);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (Env e : envs) {
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
