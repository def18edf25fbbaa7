package org.rlplay.actor;

import ai.djl.ndarray.NDList;
import org.rlplay.env.ActionBatch;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;

/**
 * Runs an {@link Actor} on one batch of records outside a rollout: on a record of a fragment (for
 * example a recorded one, to ask a target policy what it would have done), or on the records an
 * enclosing actor was given (an actor that wraps another). The actions land in {@link #actions()},
 * the info in {@link #info(String)}; nothing is written to the source.
 *
 * <p>Used by one thread; owns its scratch storage and DJL scope (released by {@link #close()}), not
 * the actor.
 */
public final class ActorCall implements AutoCloseable {
    private final StepScope scope = new StepScope();
    private final FragmentWriter scratch;
    private final RecordBatch records;
    private final ActionBatch actions;
    private final ActorOutput out;
    private boolean returnedState;

    /** A call on records of layout {@code spec} (its spaces and N; its length is irrelevant). */
    public ActorCall(FragmentSpec spec) {
        FragmentSpec one = new FragmentSpec(1, spec.numEnvs(), spec.observationSpace(), spec.actionSpace(),
                spec.envInfoKeys(), false);
        this.scratch = new FragmentWriter(one);
        this.records = new RecordBatch(one, scope);
        this.actions = new ActionBatch(spec.actionSpace(), spec.numEnvs());
        this.out = new ActorOutput(actions);
    }

    /**
     * Steps {@code actor} on record {@code t} of {@code source} (of this call's spaces and N) with
     * recurrent state {@code hx}, in a DJL scope of its own that is closed before returning (an hx
     * the actor returns is released; {@link #returnedState()} tells whether there was one).
     *
     * @return the actions the actor wrote ({@link #actions()})
     */
    public ActionBatch step(Actor actor, Fragment source, int t, NDList hx, boolean virtual) {
        if (source.numEnvs() != actions.numEnvs()) {
            throw new IllegalArgumentException("source: expected a fragment of " + actions.numEnvs() + " envs, got "
                    + source.numEnvs());
        }
        try {
            records.bind(source, t);
            stepWithin(actor, records, hx, virtual);
            return actions;
        } finally {
            scope.endIteration();
        }
    }

    /**
     * Steps {@code actor} on {@code records} (given to an enclosing actor: this runs inside that
     * step, and what the inner actor returns lives in {@code records.manager()}).
     *
     * @return the hx the actor returned
     */
    public NDList stepWithin(Actor actor, RecordBatch records, NDList hx, boolean virtual) {
        out.bind(scratch, 0);
        NDList next = actor.step(records, hx, virtual, out);
        returnedState = next != null;
        return next;
    }

    /** The actions written in the last step. */
    public ActionBatch actions() {
        return actions;
    }

    /** Whether the actor returned a recurrent state in the last step. */
    public boolean returnedState() {
        return returnedState;
    }

    /** The info column {@code name} reported in the last step: row 0 holds its (N, ...) values. */
    public Column info(String name) {
        return scratch.fragment().actorInfo(name);
    }

    @Override
    public void close() {
        scratch.close();
        scope.close();
    }
}
