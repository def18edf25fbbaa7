package org.rlplay.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.Env;
import org.rlplay.env.EnvException;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.InvalidActionException;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.testing.FaultyEnv;
import org.rlplay.testing.ScriptedEnv;

/** Bad input gets a clear exception naming the field; env failures carry the env index. */
class RolloutErrorsTest {

    /** An actor that writes the given discrete action for every env. */
    static Actor constant(int action) {
        return (in, hx, virtual, out) -> {
            ActionBatch a = out.actions();
            for (int j = 0; j < in.numEnvs(); j++) {
                a.setDiscrete(j, action);
            }
            return null;
        };
    }

    static RolloutConfig config(int t) {
        return RolloutConfig.builder().length(t).build();
    }

    @Test
    void fragmentLengthBelowOneIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config(0));
        assertTrue(e.getMessage().contains("T must be >= 1"), e.getMessage());
    }

    @Test
    void batchOfZeroEnvsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EnvRegistry.makeVec("CartPole-v1", 0));
        assertTrue(e.getMessage().contains("numEnvs must be >= 1"), e.getMessage());
    }

    @Test
    void unknownEnvIdListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EnvRegistry.make("Nope-v0"));
        assertTrue(e.getMessage().contains("CartPole-v1"), e.getMessage());
    }

    @Test
    void actionOutsideTheSpaceNamesFieldAndEnv() {
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 4), constant(2), config(8))) {
            InvalidActionException e = assertThrows(InvalidActionException.class, r::next);
            assertTrue(e.getMessage().startsWith("act: env 0"), e.getMessage());
            assertTrue(e.getMessage().contains("Discrete(2)"), e.getMessage());
        }
    }

    @Test
    void actionArrayOfWrongShapeOrTypeIsRejected() {
        Actor wrongShape = (in, hx, virtual, out) -> {
            out.actions(in.manager().zeros(new Shape(in.numEnvs() + 1), DataType.INT64));
            return null;
        };
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 3), wrongShape, config(4))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::next);
            assertTrue(e.getMessage().startsWith("act: expected 3 actions"), e.getMessage());
        }
        Actor wrongType = (in, hx, virtual, out) -> {
            out.actions(in.manager().zeros(new Shape(in.numEnvs()), DataType.FLOAT32));
            return null;
        };
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 3), wrongType, config(4))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::next);
            assertTrue(e.getMessage().contains("needs integer actions, got float32"), e.getMessage());
        }
    }

    @Test
    void actorThatWritesNoActionsIsAnError() {
        Actor silent = (in, hx, virtual, out) -> null;
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 2), silent, config(4))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, r::next);
            assertTrue(e.getMessage().contains("wrote no actions"), e.getMessage());
        }
    }

    @Test
    void actionsFromAnNDArrayAreCopiedIntoTheFragment() {
        Actor fromArray = (in, hx, virtual, out) -> {
            NDArray a = in.manager().arange(0, in.numEnvs()).toType(DataType.INT64, false).mod(2);
            out.actions(a);
            return null;
        };
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 3), fromArray, config(4))) {
            var f = r.next();
            for (int t = 1; t <= 4; t++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(j % 2, (int) f.act(t, j, 0));
                }
            }
        }
    }

    static SerialVecEnv withFaultAt(int env, boolean nan) {
        List<Env<?>> list = new ArrayList<>();
        for (int j = 0; j < 4; j++) {
            list.add(j == env ? new FaultyEnv(nan ? FaultyEnv.Fault.NAN_OBSERVATION : FaultyEnv.Fault.THROW, 3)
                    : new ScriptedEnv(new int[] {100}, -1));
        }
        return new SerialVecEnv(list);
    }

    @Test
    void exceptionInsideAnEnvReachesTheCallerWithTheEnvIndex() {
        try (Rollout r = Rollouts.same(withFaultAt(2, false), constant(1), config(8))) {
            EnvException e = assertThrows(EnvException.class, r::next);
            assertEquals(2, e.envIndex());
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertEquals("boom", e.getCause().getMessage());
        }
    }

    @Test
    void nonFiniteObservationIsReportedWithFieldAndEnv() {
        try (Rollout r = Rollouts.same(withFaultAt(1, true), constant(1), config(8))) {
            EnvException e = assertThrows(EnvException.class, r::next);
            assertEquals(1, e.envIndex());
            assertTrue(e.getMessage().contains("obs: non-finite value NaN at element 1"), e.getMessage());
        }
    }

    @Test
    void closingIsIdempotentAndEndsIteration() {
        Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 2), constant(0), config(4));
        assertTrue(r.hasNext());
        r.next();
        r.close();
        r.close();
        assertFalse(r.hasNext());
        assertThrows(java.util.NoSuchElementException.class, r::next);
    }

    @Test
    void infoThatChangesShapeBetweenStepsIsRejected() {
        Actor unstable = new Actor() {
            int calls;

            @Override
            public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
                int width = calls++ == 0 ? 1 : 2;
                out.info(new NDList(in.manager().zeros(new Shape(in.numEnvs(), width))));
                out.actions();
                return null;
            }
        };
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 2), unstable, config(4))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::next);
            assertTrue(e.getMessage().startsWith("actor info 'info0': expected float32 [1]"), e.getMessage());
        }
    }
}
