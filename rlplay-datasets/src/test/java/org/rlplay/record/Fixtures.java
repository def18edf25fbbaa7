package org.rlplay.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.fragment.Column;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;
import org.rlplay.testing.ScriptedActor;
import org.rlplay.testing.ScriptedEnv;

/** Shared helpers of the record tests: a scripted rollout and deep fragment copies/comparisons. */
final class Fixtures {
    static final int T = 5;
    /** Env j has episodes of lengths LENGTHS[j] (cycled); length-4 episodes end by truncation. */
    static final int[][] LENGTHS = {{2, 4}, {3}, {7, 1}};
    static final int N = LENGTHS.length;
    static final long SEED = 10;

    private Fixtures() {
    }

    /** A same-mode rollout of scripted envs and the scripted (recurrent, info-reporting) actor. */
    static Rollout scriptedRollout(boolean sticky) {
        List<ScriptedEnv> envs = new ArrayList<>();
        for (int[] l : LENGTHS) {
            envs.add(new ScriptedEnv(l, 4));
        }
        return Rollouts.same(new SerialVecEnv(envs), new ScriptedActor(),
                RolloutConfig.builder().length(T).seed(SEED).sticky(sticky).build());
    }

    static DatasetInfo info() {
        return DatasetInfo.of("Scripted-v0", SEED, N).with("policy", "ScriptedActor");
    }

    /** A deep copy of {@code f}: records, actor info, episodes, metadata and hx. */
    static FragmentWriter copy(Fragment f) {
        FragmentWriter c = new FragmentWriter(f.spec());
        c.copyFrom(f);
        return c;
    }

    /** Whether two primitive arrays hold the same bits (NaN payloads and -0.0 included). */
    static boolean bitEqual(Object a, Object b) {
        if (a instanceof float[] x && b instanceof float[] y) {
            if (x.length != y.length) {
                return false;
            }
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof double[] x && b instanceof double[] y) {
            if (x.length != y.length) {
                return false;
            }
            for (int i = 0; i < x.length; i++) {
                if (Double.doubleToRawLongBits(x[i]) != Double.doubleToRawLongBits(y[i])) {
                    return false;
                }
            }
            return true;
        }
        return java.util.Objects.deepEquals(a, b);
    }

    /** Asserts that every field of {@code actual} equals {@code expected}'s. */
    static void assertSameFragment(Fragment expected, Fragment actual, String where) {
        assertEquals(expected.spec(), actual.spec(), where + " spec");
        for (Column e : expected.fixedColumns()) {
            Column a = actual.column(e.name());
            assertEquals(e.spec(), a.spec(), where + " " + e.name() + " spec");
            assertTrue(bitEqual(e.array(), a.array()), where + " " + e.name() + " values (bit for bit)");
        }
        assertEquals(expected.sequence(), actual.sequence(), where + " sequence");
        assertEquals(expected.actorVersion(), actual.actorVersion(), where + " actorVersion");
        assertEquals(expected.collector(), actual.collector(), where + " collector");
        assertEquals(expected.envOffset(), actual.envOffset(), where + " envOffset");
        assertEquals(expected.actorInfo().size(), actual.actorInfo().size(), where + " actor info columns");
        for (Column e : expected.actorInfo()) {
            Column a = actual.actorInfo(e.name());
            assertEquals(e.spec(), a.spec(), where + " actor info " + e.name() + " spec");
            assertTrue(bitEqual(e.array(), a.array()), where + " actor info " + e.name() + " values (bit for bit)");
        }
        assertEquals(expected.episodes().count(), actual.episodes().count(), where + " episodes");
        for (int i = 0; i < expected.episodes().count(); i++) {
            assertEquals(expected.episodes().env(i), actual.episodes().env(i), where + " episode env");
            assertEquals(expected.episodes().record(i), actual.episodes().record(i), where + " episode record");
            assertEquals(expected.episodes().episodeReturn(i), actual.episodes().episodeReturn(i), where + " episode return");
            assertEquals(expected.episodes().length(i), actual.episodes().length(i), where + " episode length");
            assertEquals(expected.episodes().truncated(i), actual.episodes().truncated(i), where + " episode truncated");
        }
        if (expected.hx() == null) {
            assertNull(actual.hx(), where + " hx");
        } else {
            assertEquals(expected.hx().size(), actual.hx().size(), where + " hx arrays");
            for (int k = 0; k < expected.hx().size(); k++) {
                assertEquals(expected.hx().get(k).getShape(), actual.hx().get(k).getShape(), where + " hx shape");
                ByteBuffer e = expected.hx().get(k).toByteBuffer(true);
                ByteBuffer a = actual.hx().get(k).toByteBuffer(true);
                assertEquals(e, a, where + " hx values");
            }
        }
    }
}
