package org.rlplay.env;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import org.rlplay.env.space.Space;

/**
 * An env that forwards every call to the env it wraps; subclasses override what they change
 * (Gymnasium's {@code gymnasium.Wrapper}). Owns the wrapped env and closes it.
 *
 * @param <O> the observation storage array type of the wrapper
 * @param <I> the observation storage array type of the wrapped env
 */
public abstract class EnvWrapper<O, I> implements Env<O> {
    /** The wrapped env. */
    protected final Env<I> env;

    protected EnvWrapper(Env<I> env) {
        this.env = env;
    }

    /** The wrapped env. */
    public Env<I> unwrapped() {
        return env;
    }

    @Override
    public Space observationSpace() {
        return env.observationSpace();
    }

    @Override
    public Space actionSpace() {
        return env.actionSpace();
    }

    @Override
    public List<String> infoKeys() {
        return env.infoKeys();
    }

    @Override
    public boolean canSaveState() {
        return env.canSaveState();
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        env.saveState(out);
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        env.loadState(in);
    }

    @Override
    public void close() {
        env.close();
    }
}
