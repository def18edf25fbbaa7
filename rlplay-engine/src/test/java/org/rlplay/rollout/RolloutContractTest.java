package org.rlplay.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rlplay.actor.Actor;
import org.rlplay.env.Env;
import org.rlplay.env.EnvException;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.env.VecEnv;
import org.rlplay.fragment.Fragment;
import org.rlplay.ring.CollectorException;
import org.rlplay.ring.RingConfig;
import org.rlplay.testing.FaultyEnv;
import org.rlplay.testing.ScriptedEnv;

/**
 * The parts of the rollout contract that a misbehaving env, actor or caller must not be able to turn
 * into a silently wrong fragment: in every mode, each case is a clear error or cannot happen.
 */
class RolloutContractTest {
    private static final int T = 4;

    private static Rollout open(String mode, VecEnv envs, Actor actor) {
        RolloutConfig config = RolloutConfig.builder().length(T).build();
        return mode.equals("same") ? Rollouts.same(envs, actor, config)
                : Rollouts.single(envs, actor, config, RingConfig.builder().timeout(Duration.ofSeconds(20)).build());
    }

    /** Envs 0..n-1 of long scripted episodes, env {@code faulty} (if >= 0) failing as {@code fault} at its step 3. */
    private static SerialVecEnv envs(int n, int faulty, FaultyEnv.Fault fault) {
        List<Env<?>> list = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            list.add(j == faulty ? new FaultyEnv(fault, 3) : new ScriptedEnv(new int[] {1000}, -1));
        }
        return new SerialVecEnv(list);
    }

    private static Throwable cause(RuntimeException e) {
        return e instanceof CollectorException && e.getCause() != null ? e.getCause() : e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"same", "single"})
    void aFailedRolloutStaysFailedAndRethrowsTheSameException(String mode) {
        try (Rollout r = open(mode, envs(2, 1, FaultyEnv.Fault.THROW), RolloutErrorsTest.constant(0))) {
            RuntimeException first = assertThrows(RuntimeException.class, () -> {
                for (int k = 0; k < 3; k++) {
                    r.next();
                }
            });
            assertInstanceOf(EnvException.class, cause(first), first.toString());
            assertSame(first, assertThrows(RuntimeException.class, r::hasNext), "hasNext rethrows it");
            assertSame(first, assertThrows(RuntimeException.class, r::next), "next rethrows it");
            assertSame(first, assertThrows(RuntimeException.class, r::publish), "publish rethrows it");
        }
    }

    /** An actor whose hx (1, N, 1) counts its calls by updating the array in place, virtual steps included. */
    private static Actor inPlaceCounter() {
        return (in, hx, virtual, out) -> {
            NDList state = hx != null ? hx : new NDList(in.manager().zeros(new Shape(1, in.numEnvs(), 1)));
            state.get(0).addi(1f);
            for (int j = 0; j < in.numEnvs(); j++) {
                out.actions().setDiscrete(j, 0);
            }
            return state;
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"same", "single"})
    void anActorThatUpdatesHxInPlaceCannotAdvanceItOnTheVirtualStep(String mode) {
        try (Rollout r = open(mode, envs(3, -1, null), inPlaceCounter())) {
            for (int k = 0; k < 4; k++) {
                Fragment f = r.next();
                if (k == 0) {
                    assertEquals(null, f.hx(), "the first fragment starts from the initial state");
                    continue;
                }
                float[] hx = f.hx().get(0).toFloatArray();
                for (float v : hx) {
                    assertEquals(k * T, v, "fragment " + k + " starts after " + k * T + " real steps");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"same", "single"})
    void aNonFiniteFinalObservationIsAnErrorNamingTheEnvAndField(String mode) {
        try (Rollout r = open(mode, envs(2, 1, FaultyEnv.Fault.NAN_FINAL_OBSERVATION), RolloutErrorsTest.constant(0))) {
            RuntimeException e = assertThrows(RuntimeException.class, r::next);
            EnvException env = assertInstanceOf(EnvException.class, cause(e), e.toString());
            assertEquals(1, env.envIndex());
            assertTrue(env.getMessage().contains("finalObs: non-finite value NaN at element 1"), env.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"same", "single"})
    void nonFiniteEnvInfoIsStoredAsReported(String mode) {
        try (Rollout r = open(mode, envs(2, 1, FaultyEnv.Fault.NAN_INFO), RolloutErrorsTest.constant(0))) {
            Fragment f = r.next();
            assertTrue(Float.isNaN(f.envInfo()[2 * 2 + 1]), "env 1's info of step 3 (transition 2) is NaN");
            assertEquals(2f, f.envInfo()[2 * 2], "env 0's info is untouched");
        }
    }

    /** An actor that reports info at real steps only, or at the virtual step only. */
    private static Actor infoOnly(boolean atVirtual) {
        return (in, hx, virtual, out) -> {
            if (virtual == atVirtual) {
                NDArray v = in.manager().zeros(new Shape(in.numEnvs()), DataType.FLOAT32);
                v.setName("value");
                out.info(new NDList(v));
            }
            if (!virtual) {
                for (int j = 0; j < in.numEnvs(); j++) {
                    out.actions().setDiscrete(j, 0);
                }
            }
            return null;
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"same", "single"})
    void infoReportedAtSomeStepsOnlyFailsTheRollout(String mode) {
        try (Rollout r = open(mode, envs(2, -1, null), infoOnly(false))) {
            RuntimeException e = assertThrows(RuntimeException.class, r::next);
            assertInstanceOf(IllegalStateException.class, cause(e), e.toString());
            assertTrue(cause(e).getMessage().contains("did not report info at the virtual step at record " + T),
                    cause(e).getMessage());
        }
        try (Rollout r = open(mode, envs(2, -1, null), infoOnly(true))) {
            RuntimeException e = assertThrows(RuntimeException.class, r::next);
            assertTrue(cause(e).getMessage().contains("reported info at the virtual step"), cause(e).getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"same", "single"})
    void aSecondThreadIteratingTheRolloutIsRefusedNamingBothThreads(String mode) throws Exception {
        try (Rollout r = open(mode, envs(2, -1, null), RolloutErrorsTest.constant(0))) {
            r.next();
            CompletableFuture<Object> other = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    other.complete(r.next());
                } catch (Throwable e) {
                    other.completeExceptionally(e);
                }
            }, "second-learner");
            t.start();
            ExecutionException e = assertThrows(ExecutionException.class, () -> other.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            String message = e.getCause().getMessage();
            assertTrue(message.contains("'second-learner'") && message.contains("'" + Thread.currentThread().getName() + "'"),
                    message);
            r.next();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"same", "single"})
    void publishAfterCloseThrowsInEveryMode(String mode) {
        Rollout r = open(mode, envs(2, -1, null), RolloutErrorsTest.constant(0));
        r.next();
        assertEquals(1, r.publish());
        r.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, r::publish);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"same", "single"})
    void hxWithTheBatchInDimZeroIsRefusedNamingTheShapeAndTheLayout(String mode) {
        Actor batchFirst = (in, hx, virtual, out) -> {
            for (int j = 0; j < in.numEnvs(); j++) {
                out.actions().setDiscrete(j, 0);
            }
            return new NDList(in.manager().zeros(new Shape(in.numEnvs(), 1, 4)));
        };
        try (Rollout r = open(mode, envs(3, -1, null), batchFirst)) {
            RuntimeException e = assertThrows(RuntimeException.class, r::next);
            String message = cause(e).getMessage();
            assertInstanceOf(IllegalArgumentException.class, cause(e), e.toString());
            assertTrue(message.contains("hx[0] of shape (3, 1, 4)") && message.contains("(layers, N=3, ...)")
                    && message.contains("batch in dim 1"), message);
        }
    }
}
